"""Hand-written donor profiles merged into ``data/donors.csv`` by ``build_sample_data.py``.

Each profile describes a donor as its PUBLIC programmes describe it (themes, ecosystems,
regions, typical grant sizes), written from public knowledge. The rules that keep the
engine's evaluation honest:

* ``priorities`` never names or paraphrases an individual LifeWeb EOI or project; what a
  donor funded reaches the engine only through ``data/history.csv``;
* targets are listed only where the donor's own programme states them (or states the
  theme of one target in so many words); otherwise they stay empty, which the engine
  treats as neutral;
* ``eligible_regions`` / ``eligible_countries`` are set only where the programme itself is
  restricted to them (an empty list means worldwide); a regional focus that is not a
  restriction is said in ``priorities`` instead;
* amounts (``min_grant``, ``max_grant``, ``annual_budget``) are rough public orders of
  magnitude in USD or EUR (the two currencies of the LifeWeb records), not official
  figures.

``lifeweb_donor_ids`` ties a profile to the ``donor_id`` values of
``data/lifeweb/donors.csv``; the build script adds those records' spellings and acronyms
to ``aliases``.
"""

from __future__ import annotations

EU_MEMBER_STATES = (
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN",
    "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP",
    "SWE",
)  # fmt: skip

DONOR_PROFILES: tuple[dict[str, object], ...] = (
    # ------------------------------------------------------------------ bilateral
    {
        "donor_id": "DE-IKI",
        "name": "Germany – Federal Environment Ministry, International Climate Initiative (IKI)",
        "lifeweb_donor_ids": ["6162"],
        "aliases": [
            "International Climate Initiative",
            "IKI",
            "BMU",
            "BMUV",
            "Federal Republic of Germany",
            "German Federal Ministry for the Environment",
        ],
        "donor_type": "bilateral_government",
        "priorities": """
            Germany's International Climate Initiative finances climate and biodiversity work in
            developing and emerging countries, and biodiversity is one of its four funding
            areas. It supports national protected area systems and their long-term financing,
            conservation and sustainable management of tropical forests and their carbon stocks
            (REDD+), ecosystem-based adaptation, restoration of degraded land, and marine and
            coastal conservation. Grants go through German and international implementing
            organisations, through thematic calls and bilateral country agreements, and the
            ministry was the founding donor behind the CBD LifeWeb Initiative.
        """,
        "aichi_targets": [5, 11, 14, 15],
        "gbf_targets": [2, 3, 8, 19],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": ["DEU"],
        "min_grant": 500_000,
        "max_grant": 20_000_000,
        "currency": "EUR",
        "annual_budget": 700_000_000,
        "ecosystems": ["forests", "marine_coastal", "wetlands", "mountains", "grasslands"],
        "active": True,
        "sources": ["https://www.international-climate-initiative.com"],
    },
    {
        "donor_id": "DE-GIZ",
        "name": "Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ)",
        "lifeweb_donor_ids": ["7035"],
        "aliases": ["GTZ", "German Agency for International Cooperation"],
        "donor_type": "bilateral_government",
        "priorities": """
            GIZ is Germany's federal agency for technical cooperation, working mainly on behalf
            of the German development and environment ministries. Its biodiversity work
            advises partner governments on managing conservation areas and natural resources
            with local people, on valuing ecosystem services and bringing them into planning
            and budgets, and on access and benefit-sharing under the Nagoya Protocol through a
            multi-donor capacity initiative. Support usually comes as advisory services,
            training and small financing components within larger bilateral programmes.
        """,
        "aichi_targets": [2, 11, 16],
        "gbf_targets": [3, 13, 14],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": ["DEU"],
        "min_grant": 100_000,
        "max_grant": 10_000_000,
        "currency": "EUR",
        "annual_budget": 300_000_000,
        "ecosystems": ["forests", "marine_coastal", "drylands", "agricultural"],
        "active": True,
        "sources": ["https://www.giz.de/en"],
    },
    {
        "donor_id": "AT",
        "name": "Austria",
        "lifeweb_donor_ids": ["23827"],
        "aliases": [
            "Republic of Austria",
            "Austrian Development Agency",
            "ADA",
            "Austrian Development Cooperation",
        ],
        "donor_type": "bilateral_government",
        "priorities": """
            Austria funds environment work abroad through the Austrian Development Agency and
            through its environment and climate ministry's international climate finance. The
            themes are water, renewable energy, rural development and adaptation to climate
            change, with growing attention to forests and ecosystems as part of climate
            action. Bilateral cooperation concentrates on a small set of priority countries
            in East and West Africa, the Himalaya-Hindu Kush region, the Black Sea region and
            the Western Balkans.
        """,
        "aichi_targets": [],
        "gbf_targets": [],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": ["AUT"],
        "min_grant": 100_000,
        "max_grant": 2_000_000,
        "currency": "EUR",
        "annual_budget": 100_000_000,
        "ecosystems": ["forests", "freshwater", "mountains", "agricultural"],
        "active": True,
        "sources": ["https://www.entwicklung.at/en"],
    },
    {
        "donor_id": "BE",
        "name": "Belgium",
        "lifeweb_donor_ids": ["6163"],
        "aliases": ["Kingdom of Belgium", "Belgian Development Cooperation", "Enabel", "DGD"],
        "donor_type": "bilateral_government",
        "priorities": """
            Belgian development cooperation works mainly with partner countries in Central and
            West Africa. Its biodiversity support is strongest in knowledge and capacity: the
            Royal Belgian Institute of Natural Sciences runs a cooperation programme that
            trains partner institutions in taxonomy, biodiversity monitoring and national
            clearing-house mechanisms for the CBD. Belgium also supports sustainable
            management of natural resources, forests and protected areas within its bilateral
            programmes.
        """,
        "aichi_targets": [11, 17, 19],
        "gbf_targets": [20, 21],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": ["BEL"],
        "min_grant": 50_000,
        "max_grant": 3_000_000,
        "currency": "EUR",
        "annual_budget": 50_000_000,
        "ecosystems": ["forests", "freshwater"],
        "active": True,
        "sources": ["https://www.enabel.be", "https://cebios.naturalsciences.be"],
    },
    {
        "donor_id": "FI",
        "name": "Finland",
        "lifeweb_donor_ids": ["6160"],
        "aliases": [
            "Republic of Finland",
            "Ministry for Foreign Affairs of Finland",
            "Finnish Development Cooperation",
        ],
        "donor_type": "bilateral_government",
        "priorities": """
            Finland's development cooperation has a long tradition in the forest sector:
            national forest inventories and monitoring, sustainable forest management,
            forest governance and forest-based livelihoods. It also supports natural resource
            management, land tenure, climate resilience and the rights of indigenous peoples.
            Its bilateral programmes concentrate on East and Southern Africa, Southeast Asia
            and the Andes.
        """,
        "aichi_targets": [5, 7, 15],
        "gbf_targets": [10],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": ["FIN"],
        "min_grant": 100_000,
        "max_grant": 5_000_000,
        "currency": "EUR",
        "annual_budget": 100_000_000,
        "ecosystems": ["forests"],
        "active": True,
        "sources": ["https://um.fi/development-policy"],
    },
    {
        "donor_id": "FR",
        "name": "France (AFD / FFEM)",
        "lifeweb_donor_ids": ["6171"],
        "aliases": [
            "French Republic",
            "Agence française de développement",
            "AFD",
            "Fonds français pour l'environnement mondial",
            "FFEM",
            "French Facility for Global Environment",
        ],
        "donor_type": "bilateral_government",
        "priorities": """
            France funds biodiversity abroad through the French Development Agency and the
            French Facility for Global Environment. The Facility co-finances innovative and
            replicable projects on protected and conserved areas, marine and coastal
            biodiversity, sustainable agriculture and forest landscapes, with a strong focus
            on Africa and the Mediterranean. The agency also lends and grants for nature-based
            solutions and has committed to a growing share of its climate finance having
            biodiversity co-benefits.
        """,
        "aichi_targets": [6, 11, 15],
        "gbf_targets": [3, 10],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": ["FRA"],
        "min_grant": 500_000,
        "max_grant": 10_000_000,
        "currency": "EUR",
        "annual_budget": 1_000_000_000,
        "ecosystems": ["marine_coastal", "forests", "agricultural", "drylands"],
        "active": True,
        "sources": ["https://www.afd.fr/en", "https://www.ffem.fr/en"],
    },
    {
        "donor_id": "IT",
        "name": "Italy",
        "lifeweb_donor_ids": ["6141"],
        "aliases": [
            "Italian Republic",
            "Italian Ministry for the Environment",
            "Italian Agency for Development Cooperation",
            "AICS",
        ],
        "donor_type": "bilateral_government",
        "priorities": """
            Italy's environment ministry runs bilateral climate and environment cooperation
            with developing countries, including long-running partnerships with small island
            developing states in the Pacific and the Caribbean on adaptation, renewable energy
            and coastal ecosystems. The Italian development agency adds programmes on
            natural resources, agriculture and food security, mainly in Africa, the
            Mediterranean and the Middle East.
        """,
        "aichi_targets": [],
        "gbf_targets": [],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": ["ITA"],
        "min_grant": 200_000,
        "max_grant": 5_000_000,
        "currency": "EUR",
        "annual_budget": 150_000_000,
        "ecosystems": ["islands", "marine_coastal", "agricultural"],
        "active": True,
        "sources": ["https://www.aics.gov.it/en"],
    },
    {
        "donor_id": "NL",
        "name": "Netherlands",
        "lifeweb_donor_ids": ["6117"],
        "aliases": [
            "Kingdom of the Netherlands",
            "Netherlands Ministry of Foreign Affairs",
            "DGIS",
        ],
        "donor_type": "bilateral_government",
        "priorities": """
            Dutch development cooperation focuses on water management, food security and
            climate, with nature supported through landscape approaches and partnerships with
            civil society. It funds integrated river basin and delta management, wetlands,
            climate-smart and deforestation-free agricultural value chains, and alliances of
            non-governmental organisations that defend forests and the rights of forest
            communities.
        """,
        "aichi_targets": [],
        "gbf_targets": [],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": ["NLD"],
        "min_grant": 500_000,
        "max_grant": 20_000_000,
        "currency": "EUR",
        "annual_budget": 200_000_000,
        "ecosystems": ["freshwater", "wetlands", "agricultural", "forests"],
        "active": True,
        "sources": ["https://www.government.nl/topics/development-cooperation"],
    },
    {
        "donor_id": "NO-NORAD",
        "name": "Norwegian Agency for Development Cooperation (Norad)",
        "lifeweb_donor_ids": ["6946"],
        "aliases": [
            "Norway",
            "Kingdom of Norway",
            "Norway's International Climate and Forest Initiative",
            "NICFI",
        ],
        "donor_type": "bilateral_government",
        "priorities": """
            Norad manages much of Norway's development aid, including grants under the
            International Climate and Forest Initiative, which pays for verified reductions of
            deforestation and supports forest monitoring, land rights of indigenous peoples
            and forest communities, and transparency in large tropical forest countries. Norad
            also runs programmes on ocean management and on fisheries for development, and
            funds civil society organisations working on forests and climate.
        """,
        "aichi_targets": [5, 15],
        "gbf_targets": [1, 22],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": ["NOR"],
        "min_grant": 500_000,
        "max_grant": 50_000_000,
        "currency": "USD",
        "annual_budget": 300_000_000,
        "ecosystems": ["forests", "marine_coastal"],
        "active": True,
        "sources": ["https://www.norad.no/en"],
    },
    {
        "donor_id": "ES",
        "name": "Spain (AECID)",
        "lifeweb_donor_ids": ["6177"],
        "aliases": [
            "Kingdom of Spain",
            "Spanish Agency for International Development Cooperation",
            "AECID",
            "Agencia Española de Cooperación Internacional para el Desarrollo",
        ],
        "donor_type": "bilateral_government",
        "priorities": """
            Spanish development cooperation gives priority to Latin America and the
            Caribbean, and to North and West Africa. Its environment work covers climate
            change adaptation and mitigation, water and sanitation, and the conservation and
            sustainable use of natural resources, including support to protected areas and
            regional climate programmes for Latin America. Spain often funds through
            multilateral partners and regional bodies as well as bilaterally.
        """,
        "aichi_targets": [],
        "gbf_targets": [],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": ["ESP"],
        "min_grant": 25_000,
        "max_grant": 3_000_000,
        "currency": "EUR",
        "annual_budget": 100_000_000,
        "ecosystems": ["forests", "freshwater", "marine_coastal"],
        "active": True,
        "sources": ["https://www.aecid.es"],
    },
    {
        "donor_id": "US",
        "name": "United States of America (USAID)",
        "lifeweb_donor_ids": ["6153"],
        "aliases": [
            "United States",
            "USA",
            "United States Agency for International Development",
            "USAID",
        ],
        "donor_type": "bilateral_government",
        "priorities": """
            The United States funded biodiversity conservation abroad mainly through USAID's
            biodiversity programme: protected areas and landscapes rich in species, wildlife
            trafficking, sustainable fisheries, and forest conservation tied to livelihoods,
            plus debt-for-nature agreements under the Tropical Forest Conservation Act. USAID's
            remaining functions moved to the State Department in 2025, so this profile is
            marked inactive until a successor programme is known.
        """,
        "aichi_targets": [11, 12],
        "gbf_targets": [],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": ["USA"],
        "min_grant": 500_000,
        "max_grant": 30_000_000,
        "currency": "USD",
        "annual_budget": 300_000_000,
        "ecosystems": ["forests", "marine_coastal"],
        "active": False,
        "sources": ["https://www.usaid.gov"],
    },
    # ------------------------------------------------------- multilateral and funds
    {
        "donor_id": "EC",
        "name": "European Commission",
        "lifeweb_donor_ids": ["23950"],
        "aliases": ["European Union", "EU", "DG INTPA", "DG DEVCO"],
        "donor_type": "multilateral_or_fund",
        "priorities": """
            The European Union funds biodiversity in partner countries through its external
            cooperation instruments. Flagship programmes support protected area management
            and data across African, Caribbean and Pacific countries, people-centred
            conservation of African landscapes and wildlife, forest partnerships and
            deforestation-free value chains, and marine protection. The Commission has pledged
            to double its external biodiversity funding for 2021-2027, with a focus on the
            most biodiverse countries.
        """,
        "aichi_targets": [5, 11, 12, 15],
        "gbf_targets": [1, 3, 4, 19],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": list(EU_MEMBER_STATES),
        "min_grant": 500_000,
        "max_grant": 30_000_000,
        "currency": "EUR",
        "annual_budget": 1_000_000_000,
        "ecosystems": ["forests", "marine_coastal", "grasslands", "wetlands"],
        "active": True,
        "sources": ["https://international-partnerships.ec.europa.eu"],
    },
    {
        "donor_id": "GEF",
        "name": "Global Environment Facility (GEF)",
        "lifeweb_donor_ids": ["6320"],
        "aliases": ["Global Environment Facility Trust Fund", "GEF Trust Fund"],
        "donor_type": "multilateral_or_fund",
        "priorities": """
            The GEF is the financial mechanism of the biodiversity convention (CBD) and
            funds projects through accredited agencies such as UNDP, UNEP, the World Bank and
            FAO. Its biodiversity focal area supports effective and financially sustainable
            protected area systems, mainstreaming biodiversity into production landscapes,
            seascapes and economic sectors, control of invasive alien species, biosafety,
            access and benefit-sharing, and national biodiversity strategies. Integrated
            programmes add food systems, critical forest biomes, and blue and green islands.
            Projects need country endorsement and co-financing; medium-sized projects go up to
            2 million USD, full-sized projects above that.
        """,
        "aichi_targets": [2, 5, 9, 11, 12, 16, 17],
        "gbf_targets": [1, 3, 4, 6, 13, 14, 17],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 50_000,
        "max_grant": 30_000_000,
        "currency": "USD",
        "annual_budget": 1_300_000_000,
        "ecosystems": [
            "forests",
            "marine_coastal",
            "freshwater",
            "drylands",
            "wetlands",
            "islands",
            "agricultural",
        ],
        "active": True,
        "sources": ["https://www.thegef.org"],
    },
    {
        "donor_id": "LDCF",
        "name": "Least Developed Countries Fund (LDCF)",
        "lifeweb_donor_ids": ["24039"],
        "aliases": [],
        "donor_type": "multilateral_or_fund",
        "priorities": """
            The Least Developed Countries Fund, managed by the GEF under the climate change
            convention, pays for adaptation to climate change in the least developed
            countries. It funds the urgent needs identified in national adaptation
            programmes and plans: agriculture and food security, water, coastal zones,
            disaster risk and early warning, and ecosystem-based adaptation that uses healthy
            ecosystems to buffer climate impacts.
        """,
        "aichi_targets": [],
        "gbf_targets": [],
        "eligible_regions": ["LDC"],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 500_000,
        "max_grant": 10_000_000,
        "currency": "USD",
        "annual_budget": 200_000_000,
        "ecosystems": ["agricultural", "marine_coastal", "freshwater", "drylands"],
        "active": True,
        "sources": ["https://www.thegef.org/what-we-do/topics/least-developed-countries-fund-ldcf"],
    },
    {
        "donor_id": "UNDP",
        "name": "United Nations Development Programme (UNDP)",
        "lifeweb_donor_ids": ["6456"],
        "aliases": [],
        "donor_type": "multilateral_or_fund",
        "priorities": """
            UNDP runs one of the largest portfolios of nature projects in developing
            countries, most of them financed by the GEF and other vertical funds. It helps
            governments strengthen protected area systems, plan land use, and finance
            biodiversity through national finance plans built with its Biodiversity Finance
            Initiative. It also implements the GEF Small Grants Programme for community
            organisations and recognises local and indigenous solutions through the Equator
            Initiative.
        """,
        "aichi_targets": [11, 17, 18, 20],
        "gbf_targets": [1, 3, 19, 22],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 50_000,
        "max_grant": 10_000_000,
        "currency": "USD",
        "annual_budget": 300_000_000,
        "ecosystems": ["forests", "marine_coastal", "wetlands", "drylands", "mountains"],
        "active": True,
        "sources": ["https://www.undp.org/nature", "https://www.biofin.org"],
    },
    {
        "donor_id": "FAO",
        "name": "Food and Agriculture Organization of the United Nations (FAO)",
        "lifeweb_donor_ids": ["23977"],
        "aliases": [],
        "donor_type": "multilateral_or_fund",
        "priorities": """
            FAO brings technical assistance and project funds for the agriculture, forestry
            and fisheries sectors. Its biodiversity-related work covers sustainable forest
            management and forest monitoring, the ecosystem approach to fisheries and
            aquaculture, genetic resources for food and agriculture, mainstreaming
            biodiversity into farming, and restoring drylands and mountain landscapes. It is
            also an implementing agency of the GEF and the Green Climate Fund.
        """,
        "aichi_targets": [6, 7, 13, 14, 15],
        "gbf_targets": [2, 10],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 100_000,
        "max_grant": 10_000_000,
        "currency": "USD",
        "annual_budget": 300_000_000,
        "ecosystems": ["forests", "agricultural", "marine_coastal", "drylands", "mountains"],
        "active": True,
        "sources": ["https://www.fao.org"],
    },
    {
        "donor_id": "FCPF",
        "name": "Forest Carbon Partnership Facility (FCPF)",
        "lifeweb_donor_ids": ["6939"],
        "aliases": ["World Bank Forest Carbon Partnership Facility"],
        "donor_type": "multilateral_or_fund",
        "priorities": """
            The Forest Carbon Partnership Facility, hosted by the World Bank, helps tropical
            and subtropical forest countries cut the emissions caused by deforestation and forest
            degradation. Its Readiness Fund paid for national REDD+ strategies, reference
            levels, monitoring systems and safeguards; its Carbon Fund buys verified emission
            reductions from large jurisdictional programmes in Africa, Asia-Pacific and Latin
            America.
        """,
        "aichi_targets": [5, 15],
        "gbf_targets": [8],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 1_000_000,
        "max_grant": 60_000_000,
        "currency": "USD",
        "annual_budget": 150_000_000,
        "ecosystems": ["forests"],
        "active": True,
        "sources": ["https://www.forestcarbonpartnership.org"],
    },
    {
        "donor_id": "UNEP-PROECOSERV",
        "name": "UNEP Project for Ecosystem Services (ProEcoServ)",
        "lifeweb_donor_ids": ["6919"],
        "aliases": ["ProEcoServ", "Project for Ecosystem Services"],
        "donor_type": "multilateral_or_fund",
        "priorities": """
            ProEcoServ was a GEF-financed project run by UNEP to bring ecosystem services into
            national decision-making. It supported ecosystem service assessments, economic
            valuation and scenario tools, and their use in land-use planning and policy, at
            pilot sites in Chile, South Africa and Lesotho, Trinidad and Tobago, and Viet Nam.
            The project ran from 2010 to 2015.
        """,
        "aichi_targets": [2, 14],
        "gbf_targets": [],
        "eligible_regions": [],
        "eligible_countries": ["CHL", "LSO", "TTO", "VNM", "ZAF"],
        "excluded_countries": [],
        "min_grant": 20_000,
        "max_grant": 500_000,
        "currency": "USD",
        "annual_budget": 1_500_000,
        "ecosystems": [],
        "active": False,
        "sources": ["https://www.unep.org"],
    },
    {
        "donor_id": "IUCN",
        "name": "International Union for Conservation of Nature (IUCN)",
        "lifeweb_donor_ids": ["6372"],
        "aliases": [],
        "donor_type": "multilateral_or_fund",
        "priorities": """
            IUCN is a union of governments and civil society organisations that sets global
            standards such as the Red List of Threatened Species and the Green List of
            protected and conserved areas. Through its regional offices it channels funds from
            public donors into small and medium grants for conservation organisations:
            protected area management and governance, threatened species, nature-based
            solutions and restoration, including small-grant schemes for civil society in
            Africa and for the overseas territories of European countries.
        """,
        "aichi_targets": [11, 12, 14, 15],
        "gbf_targets": [2, 3, 4],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 10_000,
        "max_grant": 1_000_000,
        "currency": "EUR",
        "annual_budget": 50_000_000,
        "ecosystems": ["forests", "marine_coastal", "wetlands", "freshwater", "islands"],
        "active": True,
        "sources": ["https://iucn.org"],
    },
    {
        "donor_id": "IUCN-SOS",
        "name": "IUCN Save Our Species",
        "lifeweb_donor_ids": ["24042"],
        "aliases": ["Save Our Species"],
        "donor_type": "multilateral_or_fund",
        "priorities": """
            Save Our Species is IUCN's grant-making programme for threatened species. It
            gives grants to civil society organisations for field action on species listed on
            the IUCN Red List and on the habitats they depend on, often in themed calls for
            particular groups of species or regions, and offers rapid action grants for
            emergencies.
        """,
        "aichi_targets": [12],
        "gbf_targets": [4],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 25_000,
        "max_grant": 400_000,
        "currency": "EUR",
        "annual_budget": 10_000_000,
        "ecosystems": ["forests", "grasslands", "freshwater", "marine_coastal"],
        "active": True,
        "sources": ["https://iucnsos.org"],
    },
    # ------------------------------------------------------- foundations and private
    {
        "donor_id": "AZA",
        "name": "Association of Zoos and Aquariums (AZA)",
        "lifeweb_donor_ids": ["24046"],
        "aliases": ["AZA Conservation Grants Fund"],
        "donor_type": "foundation_or_private",
        "priorities": """
            The Association of Zoos and Aquariums pools money from its accredited member
            institutions in a Conservation Grants Fund. Small grants support field
            conservation of threatened animals, animal health, research, reintroduction and
            conservation education, usually with the involvement of a member zoo or aquarium,
            and its species programmes include coral reefs and marine life.
        """,
        "aichi_targets": [12],
        "gbf_targets": [4],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 5_000,
        "max_grant": 30_000,
        "currency": "USD",
        "annual_budget": 1_000_000,
        "ecosystems": ["forests", "marine_coastal"],
        "active": True,
        "sources": ["https://www.aza.org"],
    },
    {
        "donor_id": "PTES",
        "name": "People's Trust for Endangered Species (PTES)",
        "lifeweb_donor_ids": ["24044"],
        "aliases": [],
        "donor_type": "foundation_or_private",
        "priorities": """
            The People's Trust for Endangered Species is a British charity that protects
            threatened wildlife and habitats. At home it works on hedgehogs, dormice,
            traditional orchards and woodland; abroad it gives small grants, renewable over
            several years, to conservation projects for endangered species worldwide.
        """,
        "aichi_targets": [12],
        "gbf_targets": [4],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 3_000,
        "max_grant": 15_000,
        "currency": "EUR",
        "annual_budget": 3_000_000,
        "ecosystems": ["forests", "grasslands"],
        "active": True,
        "sources": ["https://ptes.org"],
    },
    {
        "donor_id": "MAVA",
        "name": "MAVA Foundation",
        "lifeweb_donor_ids": ["6128"],
        "aliases": ["MAVA Fondation pour la Nature"],
        "donor_type": "foundation_or_private",
        "priorities": """
            The Swiss MAVA Foundation funded nature conservation in four regions: the
            Mediterranean basin, the coastal and marine zone of West Africa, the Alps and
            Switzerland. Its programmes covered sustainable fisheries, coastal wetlands and
            mangroves, migratory birds, marine turtles and other emblematic species, and a
            sustainable economy. The foundation spent down its endowment and closed in 2022.
        """,
        "aichi_targets": [6, 10, 11, 12],
        "gbf_targets": [],
        "eligible_regions": [
            "Western Africa",
            "Northern Africa",
            "Southern Europe",
            "Western Asia",
            "Western Europe",
        ],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 50_000,
        "max_grant": 3_000_000,
        "currency": "EUR",
        "annual_budget": 70_000_000,
        "ecosystems": ["marine_coastal", "wetlands", "mountains"],
        "active": False,
        "sources": ["https://mava-foundation.org"],
    },
    {
        "donor_id": "OAK",
        "name": "Oak Foundation",
        "lifeweb_donor_ids": ["6962"],
        "aliases": ["Oak Foundation Belize Programme"],
        "donor_type": "foundation_or_private",
        "priorities": """
            Oak Foundation is a Geneva-based family foundation. Its environment programme
            works on climate change, on healthy oceans through the reduction of overfishing
            and destructive fishing, and on wildlife conservation. A separate country
            programme in Belize supports marine and coastal conservation together with the
            communities that depend on the sea.
        """,
        "aichi_targets": [6, 11],
        "gbf_targets": [],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 100_000,
        "max_grant": 7_000_000,
        "currency": "USD",
        "annual_budget": 100_000_000,
        "ecosystems": ["marine_coastal"],
        "active": True,
        "sources": ["https://oakfnd.org"],
    },
    {
        "donor_id": "MOORE",
        "name": "Gordon and Betty Moore Foundation",
        "lifeweb_donor_ids": ["6119"],
        "aliases": ["GBMF"],
        "donor_type": "foundation_or_private",
        "priorities": """
            The Moore Foundation's environmental conservation programme works at large scale
            in the Americas. It funds the protection of forests, rivers and indigenous lands
            across the Andes and the lowland tropical forests of South America, the health of
            wild salmon ecosystems around the North Pacific, and conservation through
            markets by reducing deforestation in commodity supply chains. It favours
            long-term, science-based grants and durable financing for protected areas.
        """,
        "aichi_targets": [5, 11],
        "gbf_targets": [3],
        "eligible_regions": ["Americas"],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 100_000,
        "max_grant": 20_000_000,
        "currency": "USD",
        "annual_budget": 100_000_000,
        "ecosystems": ["forests", "freshwater", "mountains", "marine_coastal"],
        "active": True,
        "sources": ["https://www.moore.org"],
    },
    {
        "donor_id": "WALTON",
        "name": "Walton Family Foundation",
        "lifeweb_donor_ids": ["6453"],
        "aliases": [],
        "donor_type": "foundation_or_private",
        "priorities": """
            The Walton Family Foundation's environment programme has two parts. Its oceans
            initiative supports sustainable fisheries, fishery reform and marine protection in
            selected countries of the Americas and Southeast Asia; its freshwater initiative
            works on healthy rivers and water management in the United States.
        """,
        "aichi_targets": [6, 11],
        "gbf_targets": [],
        "eligible_regions": ["Americas", "South-eastern Asia"],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 100_000,
        "max_grant": 10_000_000,
        "currency": "USD",
        "annual_budget": 150_000_000,
        "ecosystems": ["marine_coastal", "freshwater"],
        "active": True,
        "sources": ["https://www.waltonfamilyfoundation.org"],
    },
    {
        "donor_id": "LINDEN",
        "name": "Linden Trust for Conservation",
        "lifeweb_donor_ids": ["6452"],
        "aliases": [],
        "donor_type": "foundation_or_private",
        "priorities": """
            The Linden Trust for Conservation is a small American foundation that works on
            conservation finance and policy. It funds the design of long-term financing for
            protected area systems, debt conversions, payments for ecosystem services and
            market mechanisms that reward conservation, usually alongside larger foundations
            and governments.
        """,
        "aichi_targets": [11, 20],
        "gbf_targets": [19],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 50_000,
        "max_grant": 2_000_000,
        "currency": "USD",
        "annual_budget": 10_000_000,
        "ecosystems": [],
        "active": True,
        "sources": [],
    },
    {
        "donor_id": "BOG",
        "name": "Bank of Georgia",
        "lifeweb_donor_ids": ["6454"],
        "aliases": [],
        "donor_type": "foundation_or_private",
        "priorities": """
            Bank of Georgia is a commercial bank whose corporate social responsibility
            programme supports education, culture, health and the environment in Georgia. Its
            environmental giving is small and domestic, such as sponsorship of nature
            conservation and of the country's national parks.
        """,
        "aichi_targets": [],
        "gbf_targets": [],
        "eligible_regions": [],
        "eligible_countries": ["GEO"],
        "excluded_countries": [],
        "min_grant": 10_000,
        "max_grant": 500_000,
        "currency": "USD",
        "annual_budget": 2_000_000,
        "ecosystems": [],
        "active": True,
        "sources": ["https://bankofgeorgia.ge/en"],
    },
    # ----------------------------------------------------------------------- NGOs
    {
        "donor_id": "CI",
        "name": "Conservation International",
        "lifeweb_donor_ids": ["21593"],
        "aliases": [],
        "donor_type": "ngo",
        "priorities": """
            Conservation International works with governments, companies and communities to
            protect nature for people, with a focus on biodiversity hotspots and high-carbon
            ecosystems. Its grant-making supports the creation, expansion and sustainable
            financing of protected and conserved areas, ocean conservation, natural climate
            solutions, and conservation led by indigenous peoples and local communities. It
            is also an implementing agency of the GEF and the Green Climate Fund.
        """,
        "aichi_targets": [11, 12, 15, 18],
        "gbf_targets": [3, 8, 22],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 50_000,
        "max_grant": 5_000_000,
        "currency": "USD",
        "annual_budget": 200_000_000,
        "ecosystems": ["forests", "marine_coastal", "islands"],
        "active": True,
        "sources": ["https://www.conservation.org"],
    },
    {
        "donor_id": "TNC",
        "name": "The Nature Conservancy (TNC)",
        "lifeweb_donor_ids": ["6371"],
        "aliases": ["Nature Conservancy"],
        "donor_type": "ngo",
        "priorities": """
            The Nature Conservancy protects lands and waters in more than seventy countries.
            Internationally it is known for conservation finance: the Project Finance for
            Permanence model that closes a protected area system's funding gap in a single
            deal, and debt conversions that fund marine protection. It also works on
            freshwater, regenerative agriculture, climate solutions and partnerships with
            indigenous peoples.
        """,
        "aichi_targets": [6, 11, 20],
        "gbf_targets": [3, 19],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 100_000,
        "max_grant": 20_000_000,
        "currency": "USD",
        "annual_budget": 1_000_000_000,
        "ecosystems": ["marine_coastal", "forests", "freshwater", "grasslands"],
        "active": True,
        "sources": ["https://www.nature.org"],
    },
    {
        "donor_id": "RARE",
        "name": "Rare",
        "lifeweb_donor_ids": ["6427"],
        "aliases": [],
        "donor_type": "ngo",
        "priorities": """
            Rare uses behaviour change to make conservation last. Its Pride campaigns train
            local conservation leaders in social marketing, and its Fish Forever programme
            helps small-scale fishers manage their coastal waters through managed access
            combined with no-take reserves, in coastal countries of Southeast Asia, Latin
            America and Africa. It also works on sustainable farming and climate.
        """,
        "aichi_targets": [1, 6],
        "gbf_targets": [10, 16],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 50_000,
        "max_grant": 2_000_000,
        "currency": "USD",
        "annual_budget": 60_000_000,
        "ecosystems": ["marine_coastal"],
        "active": True,
        "sources": ["https://rare.org"],
    },
    {
        "donor_id": "WWF",
        "name": "WWF (World Wide Fund for Nature)",
        "lifeweb_donor_ids": ["6150"],
        "aliases": ["World Wide Fund for Nature"],
        "donor_type": "ngo",
        "priorities": """
            WWF is a global conservation network working on forests, oceans, freshwater,
            wildlife, food and climate. It concentrates on priority places and species: large
            tropical forest basins, coral reef regions, major river systems and the Arctic,
            and on iconic threatened species. Its offices co-finance protected areas and
            their long-term funding, community-based natural resource management and
            sustainable fisheries.
        """,
        "aichi_targets": [5, 6, 11, 12],
        "gbf_targets": [3, 4],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 50_000,
        "max_grant": 5_000_000,
        "currency": "USD",
        "annual_budget": 400_000_000,
        "ecosystems": ["forests", "marine_coastal", "freshwater", "wetlands"],
        "active": True,
        "sources": ["https://www.worldwildlife.org", "https://wwf.panda.org"],
    },
    {
        "donor_id": "ISLAND-CONSERVATION",
        "name": "Island Conservation",
        "lifeweb_donor_ids": ["24034"],
        "aliases": [],
        "donor_type": "ngo",
        "priorities": """
            Island Conservation prevents extinctions by removing invasive mammals such as
            rats, goats and feral cats from islands, and then restoring island ecosystems and
            the links between land and sea. It works with island communities and
            governments in the Pacific, the Caribbean and other island regions, with a focus
            on seabirds and other threatened island species.
        """,
        "aichi_targets": [9, 12],
        "gbf_targets": [4, 6],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": [],
        "min_grant": 50_000,
        "max_grant": 3_000_000,
        "currency": "USD",
        "annual_budget": 20_000_000,
        "ecosystems": ["islands", "marine_coastal"],
        "active": True,
        "sources": ["https://www.islandconservation.org"],
    },
    # --------------------------------------------- outside the LifeWeb records
    {
        "donor_id": "JBF",
        "name": "Japan Biodiversity Fund (JBF)",
        "lifeweb_donor_ids": [],
        "aliases": ["JBF", "Japan Biodiversity Fund at the CBD Secretariat"],
        "donor_type": "multilateral_or_fund",
        "priorities": """
            The Japan Biodiversity Fund was set up by Japan, as presidency of the tenth
            Conference of the Parties, and is run by the CBD Secretariat. It builds the
            capacity of developing country Parties to implement the Convention: regional
            workshops on revising national biodiversity strategies and action plans, on
            national targets and on resource mobilisation, and pilot support to put those
            plans into practice. Later phases moved from revising the strategies to
            implementing them, with thematic work on mainstreaming, spatial data and
            socio-economic indicators.
        """,
        "aichi_targets": [17, 19, 20],
        "gbf_targets": [],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": ["JPN"],
        "min_grant": 20_000,
        "max_grant": 500_000,
        "currency": "USD",
        "annual_budget": 5_000_000,
        "ecosystems": [],
        "active": True,
        "sources": ["https://www.cbd.int/jbf/"],
    },
    {
        "donor_id": "KR-FERI",
        "name": "Forest Ecosystem Restoration Initiative (FERI), Korea Forest Service",
        "lifeweb_donor_ids": [],
        "aliases": [
            "FERI",
            "Korea Forest Service",
            "KFS",
            "Forest Ecosystem Restoration Initiative",
        ],
        "donor_type": "multilateral_or_fund",
        "priorities": """
            The Forest Ecosystem Restoration Initiative was launched by the Korea Forest
            Service in 2014 and is implemented by the CBD Secretariat. It helps developing
            countries restore forests and other degraded ecosystems: assessing restoration
            opportunities, costs and benefits, writing national restoration targets and plans,
            regional capacity-building workshops, decision-support tools, and direct support
            to restoration on the ground, drawing on Korea's own national reforestation.
        """,
        "aichi_targets": [5, 14, 15],
        "gbf_targets": [2],
        "eligible_regions": [],
        "eligible_countries": [],
        "excluded_countries": ["KOR"],
        "min_grant": 20_000,
        "max_grant": 300_000,
        "currency": "USD",
        "annual_budget": 1_000_000,
        "ecosystems": ["forests", "drylands", "mountains"],
        "active": True,
        "sources": ["https://www.cbd-feri.org"],
    },
)
