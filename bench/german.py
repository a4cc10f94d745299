"""Word pools for German job listings: titles, descriptions, cities and companies.

The generator in `bench.dataset` combines them at random, so a million jobs
have many different titles (and so slug bases) and descriptions of a
realistic length (about 1,000 characters) with umlauts and ß.
"""

# City, latitude, longitude.
CITIES = [
    ("Berlin", 52.52, 13.40),
    ("Hamburg", 53.55, 9.99),
    ("München", 48.14, 11.58),
    ("Köln", 50.94, 6.96),
    ("Frankfurt am Main", 50.11, 8.68),
    ("Stuttgart", 48.78, 9.18),
    ("Düsseldorf", 51.23, 6.78),
    ("Leipzig", 51.34, 12.37),
    ("Dortmund", 51.51, 7.47),
    ("Essen", 51.46, 7.01),
    ("Bremen", 53.08, 8.80),
    ("Dresden", 51.05, 13.74),
    ("Hannover", 52.38, 9.73),
    ("Nürnberg", 49.45, 11.08),
    ("Duisburg", 51.43, 6.76),
    ("Bochum", 51.48, 7.22),
    ("Wuppertal", 51.26, 7.15),
    ("Bielefeld", 52.02, 8.53),
    ("Bonn", 50.73, 7.10),
    ("Münster", 51.96, 7.63),
    ("Mannheim", 49.49, 8.47),
    ("Karlsruhe", 49.01, 8.40),
    ("Augsburg", 48.37, 10.90),
    ("Wiesbaden", 50.08, 8.24),
    ("Mönchengladbach", 51.19, 6.44),
    ("Aachen", 50.78, 6.08),
    ("Braunschweig", 52.27, 10.52),
    ("Kiel", 54.32, 10.13),
    ("Chemnitz", 50.83, 12.92),
    ("Halle (Saale)", 51.48, 11.97),
    ("Magdeburg", 52.12, 11.63),
    ("Freiburg im Breisgau", 47.99, 7.85),
    ("Mainz", 50.00, 8.27),
    ("Lübeck", 53.87, 10.69),
    ("Erfurt", 50.98, 11.03),
    ("Rostock", 54.09, 12.10),
    ("Kassel", 51.31, 9.48),
    ("Würzburg", 49.79, 9.95),
    ("Regensburg", 49.01, 12.10),
    ("Saarbrücken", 49.24, 6.99),
    ("Potsdam", 52.39, 13.06),
    ("Osnabrück", 52.28, 8.05),
    ("Heidelberg", 49.40, 8.67),
    ("Darmstadt", 49.87, 8.65),
    ("Göttingen", 51.54, 9.93),
    ("Ulm", 48.40, 9.99),
    ("Jena", 50.93, 11.59),
    ("Oldenburg", 53.14, 8.21),
]

SURNAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
    "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
    "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert",
]

COMPANY_WORDS = [
    "Software", "Datentechnik", "Systemhaus", "Digital", "Informatik", "Logistik", "Medizintechnik",
    "Energie", "Maschinenbau", "Versicherungen", "Handel", "Consulting", "Netzwerke", "Automation",
    "Fintech", "Mobilität", "Gesundheit", "Cloud-Dienste", "Sicherheit", "Bildung",
]

LEGAL_FORMS = ["GmbH", "GmbH & Co. KG", "AG", "SE", "KG", "e. K.", "UG (haftungsbeschränkt)"]

# Category slug (as in jobriver.demo.CATEGORIES) -> roles. "{tech}" is
# replaced by one of the job's technologies.
ROLES = {
    "software-entwicklung": [
        "Backend-Entwickler {tech}", "Frontend-Entwickler {tech}", "Fullstack-Entwickler {tech}",
        "Softwareentwickler {tech}", "Mobile Developer", "Softwarearchitekt", "Werkstudent Softwareentwicklung",
        "Anwendungsentwickler {tech}",
    ],
    "data-science": [
        "Data Scientist", "Data Engineer {tech}", "Machine-Learning-Engineer", "BI-Analyst", "Datenbankentwickler {tech}",
    ],
    "devops-cloud": [
        "DevOps Engineer {tech}", "Cloud-Architekt {tech}", "Site Reliability Engineer", "Plattform-Ingenieur",
    ],
    "it-sicherheit": [
        "IT-Sicherheitsberater", "Security Engineer", "Penetrationstester", "Informationssicherheitsbeauftragter",
    ],
    "ui-ux-design": ["UX-Designer", "UI-Designer", "UX-Researcher", "Produktdesigner"],
    "produktmanagement": ["Product Owner", "Produktmanager", "Scrum Master", "Agile Coach"],
    "qa-testing": ["Testautomatisierer {tech}", "QA Engineer", "Softwaretester"],
    "it-support": [
        "Systemadministrator", "IT-Supporter", "Fachinformatiker Systemintegration", "Netzwerkadministrator",
    ],
}

LEVEL_WORDS = {"junior": "Junior ", "mid": "", "senior": "Senior ", "lead": "Lead ", "any": ""}

# Category slug -> technology names (as in jobriver.demo.TECHNOLOGIES) that its jobs ask for.
TECHNOLOGY_POOLS = {
    "software-entwicklung": [
        "Python", "Java", "JavaScript", "TypeScript", "Go", "Rust", "PHP", "C#", "Kotlin", "Django", "FastAPI",
        "Laravel", "React", "Vue.js", "Angular", "Spring Boot", "PostgreSQL", "MySQL", "MongoDB", "Redis", "Docker",
        "Git",
    ],
    "data-science": ["Python", "PostgreSQL", "MongoDB", "AWS", "Google Cloud", "Docker", "Git", "Redis"],
    "devops-cloud": [
        "Docker", "Kubernetes", "Terraform", "GitLab CI", "AWS", "Microsoft Azure", "Google Cloud", "Go", "Python",
    ],
    "it-sicherheit": ["Python", "Kubernetes", "AWS", "Microsoft Azure", "Docker", "Go"],
    "ui-ux-design": ["JavaScript", "TypeScript", "React", "Jira", "Git"],
    "produktmanagement": ["Jira", "SAP", "Git"],
    "qa-testing": ["Java", "Python", "TypeScript", "GitLab CI", "Jira", "Git"],
    "it-support": ["Microsoft Azure", "SAP", "Jira", "Docker", "MySQL", "MariaDB"],
}

ABOUT = [
    "Wir sind ein inhabergeführtes Unternehmen mit rund {size} Beschäftigten und entwickeln Lösungen für Kunden aus "
    "Handel, Industrie und öffentlicher Verwaltung.",
    "Seit über {years} Jahren begleiten wir mittelständische Betriebe bei der Digitalisierung ihrer Geschäftsprozesse.",
    "Als wachsendes Unternehmen mit {size} Kolleginnen und Kollegen an mehreren Standorten suchen wir Verstärkung "
    "für unser Team.",
    "Unsere Produkte werden täglich von mehr als {users} Nutzerinnen und Nutzern in ganz Deutschland verwendet.",
]

TASKS = [
    "Du entwickelst neue Funktionen mit {tech} und bringst sie gemeinsam mit dem Team in Produktion.",
    "Du übernimmst Verantwortung für die Qualität unserer Anwendungen und schreibst automatisierte Tests.",
    "Du arbeitest eng mit den Fachabteilungen zusammen und übersetzt Anforderungen in tragfähige Lösungen.",
    "Du betreust bestehende Systeme, analysierst Störungen und verbesserst die Überwachung im Betrieb.",
    "Du gestaltest die Architektur unserer Plattform mit und triffst Entscheidungen im Team.",
    "Du unterstützt jüngere Kolleginnen und Kollegen durch Code-Reviews und Pair-Programming.",
    "Du dokumentierst Schnittstellen und Abläufe so, dass andere Teams sie nutzen können.",
]

PROFILE = [
    "Du hast eine abgeschlossene Ausbildung oder ein Studium der Informatik oder eine vergleichbare Qualifikation.",
    "Du bringst mehrjährige Berufserfahrung mit {tech} und {tech2} mit.",
    "Du sprichst fließend Deutsch (mindestens C1) und gut Englisch.",
    "Du arbeitest selbstständig, strukturiert und gern im Team.",
    "Erfahrung mit agilen Methoden wie Scrum oder Kanban ist von Vorteil.",
    "Du hast Freude daran, Dich in neue Themen einzuarbeiten.",
]

BENEFITS = [
    "30 Tage Urlaub", "flexible Arbeitszeiten", "bis zu drei Tage Homeoffice pro Woche", "betriebliche Altersvorsorge",
    "ein Weiterbildungsbudget von 2.000 € im Jahr", "ein Jobrad", "einen Zuschuss zum Deutschlandticket",
    "ein modernes Büro in zentraler Lage", "regelmäßige Teamevents", "einen unbefristeten Arbeitsvertrag",
]

CLOSING = [
    "Klingt gut? Dann freuen wir uns auf Deine Bewerbung, gern auch ohne Anschreiben.",
    "Bewirb Dich jetzt mit Deinem Lebenslauf und Deiner Gehaltsvorstellung.",
    "Wir freuen uns auf Deine Bewerbung unter Angabe des frühestmöglichen Eintrittstermins.",
]

# Needles for GET /jobs?search=…: technology names, cities, parts of titles
# and description words, in varied case and with umlauts, so that each
# matches some of a company's jobs but not all.
SEARCH_TERMS = [
    "python", "Kubernetes", "REACT", "entwickler", "Senior", "münchen", "KÖLN", "Düsseldorf", "homeoffice",
    "weiterbildungsbudget", "Jobrad", "architekt", "data", "sicherheit", "TypeScript", "BESCHÄFTIGTEN", "Nürnberg",
    "engineer", "scrum", "Altersvorsorge",
]
