/// The French of every text ictu writes for people, by its English form (`tr`). `{}` stands for a value, in order.
/// Tests/EngineTests/TranslationTests.swift fails when a text the sources pass through `tr`, or a name the engine composes
/// text from (terms, classes, QC flags, edit kinds, zones, uses), has no entry here.
public enum FrenchText {
    public static let table: [String: String] = [
        // Names the engine composes text from.
        "reference station, open ground": "station de référence, sol ouvert", "city offset": "décalage urbain", "buildings": "bâtiments",
        "sealed ground": "sol imperméabilisé", "tree canopy": "canopée arborée", "shrubs": "arbustes", "grass": "herbe", "hydric stress": "stress hydrique",
        "shade: beam blocked": "ombre : rayonnement direct arrêté", "albedo": "albédo", "water": "eau", "park": "parc", "residual": "résidu",
        "no thermal stress": "pas de stress thermique", "moderate heat stress": "stress thermique modéré", "strong heat stress": "fort stress thermique",
        "very strong heat stress": "très fort stress thermique", "extreme heat stress": "stress thermique extrême",
        "slight cold stress": "léger stress dû au froid", "moderate cold stress": "stress modéré dû au froid", "strong cold stress": "fort stress dû au froid",
        "very strong cold stress": "très fort stress dû au froid", "extreme cold stress": "stress extrême dû au froid",
        "missing": "manquante", "duplicate": "en double", "conflicting duplicate": "doublon contradictoire", "out of range": "hors plage",
        "rh over 100": "HR au-delà de 100 %", "spike": "pic", "flat line": "valeur figée", "radiation bias": "biais de rayonnement",
        "trees": "arbres", "prune": "élagage", "remove_trees": "abattage d'arbres", "building": "bâtiment", "demolish": "démolition",
        "surface": "revêtement", "irrigate": "arrosage",
        "perimeter": "périmètre", "ring 0–100 m": "anneau 0–100 m", "ring 100–300 m": "anneau 100–300 m",
        "residential": "habitation", "school": "école", "industrial": "industrie",
        // Diagnosis.
        "open ground with day ICTU below {} °C (below {} °C, or {} °C under the median {} °C), at least {} m²":
            "sol ouvert dont l'ICTU de jour est sous {} °C (sous {} °C, ou {} °C sous la médiane de {} °C), d'au moins {} m²",
        "little shade": "peu d'ombre", "few trees": "peu d'arbres", "few shrubs": "peu d'arbustes", "little grass": "peu d'herbe",
        "no water nearby": "pas d'eau proche", "far from parks": "loin des parcs", "stressed vegetation": "végétation en stress hydrique",
        "Diagnosis": "Diagnostic",
        "A heat island is open ground (streets, squares, yards) hotter than nine-tenths of the city's by day or by night, over at least half a hectare; a cool island is open ground in at most strong heat stress by day, where people can find relief.":
            "Un îlot de chaleur est un espace ouvert (rues, places, cours) plus chaud que les neuf dixièmes de celui de la ville, de jour ou de nuit, sur au moins un demi-hectare ; un îlot de fraîcheur est un espace ouvert au plus en fort stress thermique de jour, où l'on trouve un répit.",
        "Heat and cool islands (day)": "Îlots de chaleur et de fraîcheur (jour)",
        "heat island (day ICTU ≥ {} °C)": "îlot de chaleur (ICTU de jour ≥ {} °C)", "cool island": "îlot de fraîcheur",
        "other open ground (darker = hotter)": "autre espace ouvert (plus sombre = plus chaud)",
        "Within {} m of a cool island": "À moins de {} m d'un îlot de fraîcheur", "within {} m": "à moins de {} m", "gap: farther than {} m": "lacune : à plus de {} m",
        "{} % of the open ground is within {} m of one of the {} cool islands; {} % of it is in strong heat stress or worse by day.":
            "{} % de l'espace ouvert est à moins de {} m de l'un des {} îlots de fraîcheur ; {} % est en fort stress thermique ou pire de jour.",
        "Hottest heat islands by day (of {})": "Îlots de chaleur les plus chauds de jour (sur {})",
        "Hottest heat islands at night (of {})": "Îlots de chaleur les plus chauds de nuit (sur {})",
        "rank": "rang", "where": "lieu", "area, ha": "surface, ha", "mean, °C": "moyenne, °C", "max, °C": "max., °C",
        "causes (excess over the city's open ground)": "causes (excès sur l'espace ouvert de la ville)", "nearest cool island, m": "îlot de fraîcheur le plus proche, m",
        "feature {}": "objet {}", "sensitive": "sensible",
        "Most exposed buildings (sensitive uses first) — {} buildings, {} sensitive": "Bâtiments les plus exposés (usages sensibles d'abord) — {} bâtiments, dont {} sensibles",
        "street": "rue", "use": "usage", "day, °C": "jour, °C", "night, °C": "nuit, °C", "surroundings ≥ 38 °C, %": "abords ≥ 38 °C, %",
        "Districts": "Quartiers", "district": "quartier", "open area, ha": "espace ouvert, ha", "day mean, °C": "moyenne de jour, °C",
        "day P90, °C": "P90 de jour, °C", "night mean, °C": "moyenne de nuit, °C", "trees cool, %": "les arbres rafraîchissent, %", "sealed warms, %": "l'imperméabilisé réchauffe, %",
        "P90: the value nine-tenths of the district's open ground stays under. Trees cool, sealed warms: the share of the open ground where the tree canopy lowers, and the sealed ground raises, the felt temperature.":
            "P90 : la valeur sous laquelle reste les neuf dixièmes de l'espace ouvert du quartier. Les arbres rafraîchissent, l'imperméabilisé réchauffe : la part de l'espace ouvert où la canopée abaisse, et le sol imperméabilisé élève, la température ressentie.",
        "What residents feel": "Ce que ressentent les habitants",
        "{} survey answers: Spearman ρ {} between the ICTU and the votes; AUC {} for telling “hot” and “very hot” apart. The thresholds fitted on the answers, an alternative legend:":
            "{} réponses à l'enquête : ρ de Spearman {} entre l'ICTU et les votes ; AUC {} pour distinguer « chaud » et « très chaud ». Les seuils ajustés sur les réponses, une autre légende :",
        // Calibration.
        "no calibration": "pas de calibrage", "day: {}; night: {}": "jour : {} ; nuit : {}", "too few sites to test": "trop peu de sites pour tester",
        "Moran's I {} (z {}, inverse distance ≤ 1 km)": "I de Moran {} (z {}, inverse de la distance ≤ 1 km)",
        ": not significantly correlated: residuals are not interpolated": " : pas de corrélation significative : les résidus ne sont pas interpolés",
        ": correlated, but kriging does not beat the uncorrected model in leave-one-site-out: not interpolated":
            " : corrélés, mais le krigeage ne fait pas mieux que le modèle non corrigé en validation croisée par site : pas d'interpolation",
        ": correlated; residuals kriged (exponential, range {} m, nugget {} %), leave-one-site-out RMSE of the residual {} → {} °C":
            " : corrélés ; résidus krigés (exponentiel, portée {} m, pépite {} %), RMSE du résidu en validation croisée par site {} → {} °C",
        // report.html.
        "ICTU felt-temperature map — {}": "Carte de température ressentie ICTU — {}",
        "{} × {} cells of {} m ({}); composite of {} hot days ({} … {}).": "{} × {} cellules de {} m ({}) ; journée composite de {} jours chauds ({} … {}).",
        "Day: the mean of the hourly felt temperature from 14 to 17 h; night: from 22 to 6 h (local time, {}).":
            "Jour : moyenne de la température ressentie horaire de 14 h à 17 h ; nuit : de 22 h à 6 h (heure locale, {}).",
        "Median day ICTU over open ground {} °C.": "ICTU médian de jour sur l'espace ouvert : {} °C.",
        "Calibrated on the sensors.": "Calibré sur les capteurs.", "Model defaults (not calibrated).": "Valeurs par défaut du modèle (non calibré).",
        "Engine {}.": "Moteur {}.",
        "ICTU: the felt temperature (UTCI-equivalent, °C) — what a person in the street feels from the air, humidity, wind and sun; 26, 32, 38 and 46 °C begin moderate, strong, very strong and extreme heat stress.":
            "ICTU : la température ressentie (équivalent UTCI, °C) — ce qu'une personne dans la rue ressent de l'air, de l'humidité, du vent et du soleil ; 26, 32, 38 et 46 °C marquent le début du stress thermique modéré, fort, très fort et extrême.",
        "Inputs": "Données d'entrée", "Partly calibrated": "Calibré en partie", "Not calibrated": "Non calibré",
        "a window's map uses the documented default coefficients (docs/model.md) because {}. Its values are the model's, not fitted to this city's sensors.":
            "la carte d'une fenêtre utilise les coefficients par défaut documentés (docs/model.md) car {}. Ses valeurs sont celles du modèle, non ajustées aux capteurs de cette ville.",
        "the maps use the documented default coefficients (docs/model.md) because {}. Their values are the model's, not fitted to this city's sensors.":
            "les cartes utilisent les coefficients par défaut documentés (docs/model.md) car {}. Leurs valeurs sont celles du modèle, non ajustées aux capteurs de cette ville.",
        "Day map": "Carte de jour", "Night map": "Carte de nuit", "Annexes: calibration, residuals, sensor QC": "Annexes : calibrage, résidus, contrôle des capteurs",
        "ICTU by day (14–17 h)": "ICTU de jour (14–17 h)", "ICTU at night (22–06 h)": "ICTU de nuit (22–06 h)",
        "UTCI-equivalent felt temperature, °C; class boundaries 26 / 32 / 38 / 46 °C (moderate / strong / very strong / extreme heat stress). Buildings are blank (no data).":
            "Température ressentie équivalente UTCI, °C ; limites de classes 26 / 32 / 38 / 46 °C (stress thermique modéré / fort / très fort / extrême). Les bâtiments sont laissés en blanc (sans donnée).",
        "UTCI-equivalent felt temperature at night, °C, on a scale of its own (nights span far less than days): blue cooler, yellow to red from 26 °C (moderate heat stress) up. Buildings are blank (no data).":
            "Température ressentie équivalente UTCI la nuit, °C, sur une échelle propre (les nuits varient bien moins que les jours) : bleu plus frais, du jaune au rouge à partir de 26 °C (stress thermique modéré). Les bâtiments sont laissés en blanc (sans donnée).",
        "{}: mean of the hourly UTCI over the window, composite hot day. Statistics: {}.": "{} : moyenne de l'UTCI horaire sur la fenêtre, journée chaude composite. Statistiques : {}.",
        "Annexes": "Annexes",
        "How the maps were made and checked, for the technical reader: RMSE is the typical error (root mean square), MAE the mean absolute error, bias the mean error; a coefficient is the °C a surface adds or removes at full cover.":
            "Comment les cartes ont été faites et vérifiées, pour le lecteur technique : la RMSE est l'erreur type (moyenne quadratique), la MAE l'erreur absolue moyenne, le biais l'erreur moyenne ; un coefficient est le nombre de °C qu'une surface ajoute ou retire à couverture complète.",
        "Calibration": "Calibrage",
        "Air-temperature anomalies to the reference station, per site, over the hot days (the sensors measure air, not the felt temperature). Residual spatial correlation: {}.":
            "Écarts de température de l'air à la station de référence, par site, sur les jours chauds (les capteurs mesurent l'air, pas la température ressentie). Corrélation spatiale des résidus : {}.",
        "Day": "Jour", "Night": "Nuit",
        "Not calibrated: the documented default coefficients were used, because {}.": "Non calibré : les coefficients par défaut documentés ont été utilisés, car {}.",
        "too few usable sensor sites": "trop peu de sites de capteurs utilisables",
        "Residual map (day)": "Carte des résidus (jour)", "{} ({}): observed − predicted {} °C": "{} ({}) : observé − prédit {} °C",
        "Observed − predicted day air-temperature anomaly at each site, °C (background: day ICTU in grey, darker = hotter).":
            "Écart de température de l'air de jour observé − prédit à chaque site, °C (fond : ICTU de jour en gris, plus sombre = plus chaud).",
        "Sites coloured by residual; hover a site for its value.": "Sites colorés selon leur résidu ; survolez un site pour sa valeur.",
        "Sensor quality control": "Contrôle qualité des capteurs",
        "Cross-validation of the air-temperature anomaly, °C": "Validation croisée de l'écart de température de l'air, °C",
        "held out": "laissé de côté", "bias": "biais", "one site at a time": "un site à la fois", "one municipality at a time": "une commune à la fois",
        "one summer at a time": "un été à la fois", "humidity (vapour pressure, hPa), one site at a time": "humidité (pression de vapeur, hPa), un site à la fois",
        "°C per unit fraction": "°C par unité de fraction", "°C per unit H/H₀": "°C par unité de H/H₀", "hPa per unit fraction": "hPa par unité de fraction",
        "intercept (the reference station's anomaly)": "constante (écart de la station de référence)", "building volume": "volume bâti",
        "park cooling": "rafraîchissement des parcs", "vapour from vegetation": "vapeur issue de la végétation",
        "vegetation radius (cross-validated)": "rayon de végétation (validé par croisement)",
        "Fitted coefficients ± jackknife standard error (leave one site out), {} sites": "Coefficients ajustés ± erreur type jackknife (un site laissé de côté), {} sites",
        "coefficient": "coefficient", "unit": "unité", "day": "jour", "night": "nuit",
        "{}: observed vs predicted ΔTa, °C": "{} : ΔTa observé et prédit, °C", "{}: observed {}, predicted {}": "{} : observé {}, prédit {}",
        "observed": "observé", "predicted": "prédit", "No sensors in this city.": "Aucun capteur dans cette ville.",
        "rejected": "rejeté", "kept": "retenu", "Totals — {}; rejected sensors: {}.": "Totaux — {} ; capteurs rejetés : {}.", "none": "aucun",
        "sensor": "capteur", "site": "site", "hours kept / expected": "heures retenues / attendues", "sun bias at 800 W/m², °C": "biais solaire à 800 W/m², °C",
        "status": "statut", "no data": "sans donnée", "min {} °C, median {} °C, max {} °C": "min. {} °C, médiane {} °C, max. {} °C",
        "map": "carte", "legend": "légende",
        // summary.html.
        "Scenario {}": "Scénario {}", "Scenario": "Scénario",
        ", {} more whose air alone changes (neighbourhoods and park cooling)": ", plus {} dont seul l'air change (voisinages et rafraîchissement des parcs)",
        "On the run {}: {} edit(s); {} cells recomputed (the edits and the reach of their shade and sky){}; day = mean of 14–17 h, composite hot day. Computed in {} s.":
            "Sur le calcul {} : {} modification(s) ; {} cellules recalculées (les modifications et la portée de leur ombre et de leur ciel){} ; jour = moyenne de 14–17 h, journée chaude composite. Calculé en {} s.",
        "Day ICTU before, after and the difference": "ICTU de jour avant, après et la différence", "Before": "Avant", "After": "Après",
        "Day ICTU (UTCI-equivalent, °C); class boundaries 26 / 32 / 38 / 46 °C. Black outline: the edits. Buildings blank.":
            "ICTU de jour (équivalent UTCI, °C) ; limites de classes 26 / 32 / 38 / 46 °C. Contour noir : les modifications. Bâtiments en blanc.",
        "After − before, day (blue cooler, red warmer). Light grey: a building before, open ground after (no felt temperature before); dark grey: a new building; blank: buildings before and after.":
            "Après − avant, jour (bleu plus frais, rouge plus chaud). Gris clair : un bâtiment avant, un espace ouvert après (pas de température ressentie avant) ; gris foncé : un nouveau bâtiment ; blanc : bâtiments avant et après.",
        "Change of the day ICTU, °C.": "Variation de l'ICTU de jour, °C.", "Figures": "Chiffres",
        "Public space in strong heat stress or worse (≥ 32 °C) at {} h, study area": "Espace public en fort stress thermique ou pire (≥ 32 °C) à {} h, zone d'étude",
        "Public space in very strong heat stress or worse (≥ 38 °C) at {} h, study area": "Espace public en très fort stress thermique ou pire (≥ 38 °C) à {} h, zone d'étude",
        "Open ground within 300 m of a cool island, study area": "Espace ouvert à moins de 300 m d'un îlot de fraîcheur, zone d'étude",
        "Open ground within 300 m of a cool island, whole city": "Espace ouvert à moins de 300 m d'un îlot de fraîcheur, toute la ville",
        "Population within 300 m of a cool island, whole city": "Population à moins de 300 m d'un îlot de fraîcheur, toute la ville",
        "Sidewalk length along façades, study area": "Longueur de trottoir le long des façades, zone d'étude",
        "Shaded sidewalk at {} h, study area": "Trottoir ombragé à {} h, zone d'étude",
        "Before and after": "Avant et après", "before": "avant", "after": "après", "change": "variation", "Definitions: {}.": "Définitions : {}.",
        "Edits (in file order; later ones override earlier ones)": "Modifications (dans l'ordre du fichier ; les suivantes l'emportent sur les précédentes)",
        "kind": "type", "area": "surface", "parameters": "paramètres",
        "Change of the ICTU (after − before, °C, area-weighted over open ground)": "Variation de l'ICTU (après − avant, °C, pondérée par la surface d'espace ouvert)",
        "zone": "zone", "open area": "espace ouvert", "day mean": "moyenne de jour", "night mean": "moyenne de nuit",
        "day, most cooled cell": "jour, cellule la plus rafraîchie", "day, most warmed cell": "jour, cellule la plus réchauffée",
        "Public space of the study area per heat-stress class (day ICTU)": "Espace public de la zone d'étude par classe de stress thermique (ICTU de jour)",
        "class": "classe",
        "perimeter: cells the edits cover; rings: open cells 0–100 m and 100–300 m from the perimeter; study area: perimeter and rings; public space: open ground (no building) of the study area; cool islands as in `ictu diagnose`; sidewalk: sealed open cell sharing an edge with a building, length = shared edges, shaded when at most half sunlit at the hour given":
            "périmètre : cellules couvertes par les modifications ; anneaux : cellules ouvertes à 0–100 m et 100–300 m du périmètre ; zone d'étude : périmètre et anneaux ; espace public : espace ouvert (sans bâtiment) de la zone d'étude ; îlots de fraîcheur comme dans `ictu diagnose` ; trottoir : cellule ouverte imperméabilisée ayant un côté commun avec un bâtiment, longueur = côtés communs, ombragé quand il est au plus à moitié ensoleillé à l'heure donnée",
        // Watering reasons.
        "no canopy seen over the crown in the canopy layer: check the inventory's position": "aucune canopée vue sur le houppier dans la couche de canopée : vérifier la position dans l'inventaire",
        "dead or dying (stress {}): not watered": "mort ou dépérissant (stress {}) : pas arrosé", "severe hydric stress ({})": "stress hydrique sévère ({})",
        "moderate hydric stress ({})": "stress hydrique modéré ({})", "little hydric stress ({})": "faible stress hydrique ({})",
        "stress up by {} since the earlier run": "stress en hausse de {} depuis le calcul précédent", "stress down by {} since the earlier run": "stress en baisse de {} depuis le calcul précédent",
        "cools {} °C·m² of public space ({} % by its shade)": "rafraîchit {} °C·m² d'espace public ({} % par son ombre)",
        "near a school, nursery, care home or hospital": "près d'une école, d'une crèche, d'un EHPAD ou d'un hôpital",
        "{} people within 100 m": "{} habitants à moins de 100 m", "young: recovers well when watered": "jeune : récupère bien s'il est arrosé", "old: recovers less": "âgé : récupère moins",
        // The CLI's sentences.
        "wrote {}: ICTU day/night COGs, classes, relative map, components, uncertainty, {} ({} cells in {} s)":
            "écrit {} : COG de l'ICTU de jour et de nuit, classes, carte relative, composantes, incertitude, {} ({} cellules en {} s)",
        "calibration (day): leave-one-site-out RMSE {} °C, MAE {}, bias {} over {} sites": "calibrage (jour) : RMSE en validation croisée par site {} °C, MAE {}, biais {} sur {} sites",
        "calibration (night): leave-one-site-out RMSE {} °C over {} sites": "calibrage (nuit) : RMSE en validation croisée par site {} °C sur {} sites",
        "day: {} heat islands at ICTU ≥ {} °C; the hottest:": "jour : {} îlots de chaleur à ICTU ≥ {} °C ; les plus chauds :",
        "night: {} heat islands at ICTU ≥ {} °C; the hottest:": "nuit : {} îlots de chaleur à ICTU ≥ {} °C ; les plus chauds :",
        "{} ha at --at={},{}  mean {} °C, max {} °C — {}; nearest cool island {}": "{} ha à --at={},{}  moyenne {} °C, max. {} °C — {} ; îlot de fraîcheur le plus proche {}",
        "cool islands: {} ({} ha); {} % of the open ground is within {} m of one; {} % of it is in strong heat stress or worse by day":
            "îlots de fraîcheur : {} ({} ha) ; {} % de l'espace ouvert est à moins de {} m de l'un d'eux ; {} % est en fort stress thermique ou pire de jour",
        "population within {} m of a cool island: {} %": "population à moins de {} m d'un îlot de fraîcheur : {} %",
        "buildings: {} with open ground around them, {} with a sensitive use; the most exposed:": "bâtiments : {} entourés d'espace ouvert, {} à usage sensible ; les plus exposés :",
        "{} ({})  day {} °C (max {}), night {} °C, {} % of the surroundings ≥ 38 °C": "{} ({})  jour {} °C (max. {}), nuit {} °C, {} % des abords ≥ 38 °C",
        "use unknown": "usage inconnu",
        "survey: {} answers used ({} off the grid or on buildings); Spearman ρ {}, AUC (hot or very hot) {}; fitted legend:":
            "enquête : {} réponses utilisées ({} hors grille ou sur des bâtiments) ; ρ de Spearman {}, AUC (chaud ou très chaud) {} ; légende ajustée :",
        "wrote {}/diagnosis/: {}": "écrit {}/diagnosis/ : {}",
        "{} trees ranked ({} seen in the canopy layer, {} dead or dying{}) in {} s; the first:": "{} arbres classés ({} vus dans la couche de canopée, {} morts ou dépérissants{}) en {} s ; les premiers :",
        ", {} outside the grid left out": ", {} hors de la grille écartés",
        "round within {} L: {} trees, {} L, keeping {} °C·m² of cooling": "tournée dans {} L : {} arbres, {} L, conservant {} °C·m² de rafraîchissement",
        "wrote {}/watering/ (watering.csv, watering.geojson, watering.json)": "écrit {}/watering/ (watering.csv, watering.geojson, watering.json)",
        "{}: {} edit(s), {} cells recomputed in {} s": "{} : {} modification(s), {} cellules recalculées en {} s",
        "{} ha open  day {} °C  night {} °C": "{} ha ouverts  jour {} °C  nuit {} °C",
        "strong heat stress or worse at {} h (study area): {} % → {} %": "fort stress thermique ou pire à {} h (zone d'étude) : {} % → {} %",
        "very strong heat stress or worse at {} h (study area): {} % → {} %": "très fort stress thermique ou pire à {} h (zone d'étude) : {} % → {} %",
        "shaded sidewalk at {} h: {} m → {} m": "trottoir ombragé à {} h : {} m → {} m",
        "wrote {}/ ({}, {}, and the after maps: `ictu serve --run {}` shows them)": "écrit {}/ ({}, {} et les cartes après : `ictu serve --run {}` les affiche)",
        // The server's answers the viewer shows (in the viewer's language: its Accept-Language).
        "no scenario \"{}\": it was removed, or the server restarted since; post it again": "pas de scénario « {} » : il a été retiré, ou le serveur a redémarré depuis ; envoyez-le à nouveau",
        "{} variants are held ({}): remove one before running another (× beside it in the viewer, or DELETE /api/scenario/ID)": "{} variantes sont gardées ({}) : retirez-en une avant d'en lancer une autre (× à côté d'elle dans la visionneuse, ou DELETE /api/scenario/ID)",
        "give lon and lat in degrees: /api/point?lon=-0.56&lat=44.83": "donnez lon et lat en degrés : /api/point?lon=-0.56&lat=44.83",
        "scenarios are limited to {} bytes": "les scénarios sont limités à {} octets",
        "send the scenario (a GeoJSON FeatureCollection) as the request body": "envoyez le scénario (une FeatureCollection GeoJSON) comme corps de la requête",
        "a scenario is being computed; send this one when it is done": "un scénario est en cours de calcul ; envoyez celui-ci quand il sera terminé",
        "give the words to look for: /api/search?q=montesquieu": "donnez les mots à chercher : /api/search?q=montesquieu",
        "the run's city has no names to search (vectors.streets or vectors.districts in its manifest), or it cannot be found (serve --city)":
            "la ville du calcul n'a pas de noms à chercher (vectors.streets ou vectors.districts dans son manifeste), ou elle est introuvable (serve --city)",
        "{}, {} is outside the run's grid ({} {} {} – {} {})": "{}, {} est hors de la grille du calcul ({} {} {} – {} {})",
        "{}: feature {} (id {}){}: {}": "{} : objet {} (id {}){} : {}", ", field `{}`": ", champ `{}`",
        "no geometry": "pas de géométrie", "empty geometry": "géométrie vide",
        "invalid geometry ({}): a polygon's rings must close on their first point": "géométrie invalide ({}) : les anneaux d'un polygone doivent se refermer sur leur premier point",
        "invalid geometry: {} (a polygon's edges may not cross)": "géométrie invalide : {} (les côtés d'un polygone ne peuvent pas se croiser)",
        "the geometry has no area: edits are polygons": "la géométrie n'a pas de surface : les modifications sont des polygones",
        "outside the run's grid ({} {} – {} {} in {})": "hors de la grille du calcul ({} {} – {} {} en {})",
        "{} is out of range {}…{} ({})": "{} est hors de l'intervalle {}…{} ({})",
        "1: the ground left becomes grass; 0: sealed": "1 : le sol libéré devient herbe ; 0 : imperméabilisé", "1: unsealed (grass), 0: sealed": "1 : désimperméabilisé (herbe), 0 : imperméabilisé",
        "building height, m": "hauteur du bâtiment, m", "crown height at maturity, m": "hauteur du houppier à maturité, m",
        "ground albedo (or give `material`)": "albédo du sol (ou donnez `material`)", "hydric stress of the vegetation after watering": "stress hydrique de la végétation après arrosage",
        "share of crown cover removed": "part du couvert arboré retirée", "share of the area under crowns at maturity": "part de la surface sous les houppiers à maturité",
        "share under grass": "part en herbe", "share under shrubs": "part en arbustes", "time since planting, years (crowns grow)": "temps depuis la plantation, ans (les houppiers grandissent)",
        "time since planting, years": "temps depuis la plantation, ans",
        // Map titles and the QGIS project's groups.
        "ICTU day (14–17 h), °C": "ICTU de jour (14–17 h), °C", "ICTU night (22–06 h), °C": "ICTU de nuit (22–06 h), °C",
        "UTCI heat-stress class (day)": "Classe de stress thermique UTCI (jour)", "Day ICTU relative to the median, °C": "ICTU de jour relatif à la médiane, °C",
        "Uncertainty of the day ICTU (1 σ), °C": "Incertitude de l'ICTU de jour (1 σ), °C", "Canopy hydric stress (0–1)": "Stress hydrique de la canopée (0–1)",
        "Change by the scenario, day (after − before), °C": "Variation due au scénario, jour (après − avant), °C",
        "Maps": "Cartes", "Heat islands, day": "Îlots de chaleur, jour", "Heat islands, night": "Îlots de chaleur, nuit", "Cool islands": "Îlots de fraîcheur",
        "Watering priorities (trees)": "Priorités d'arrosage (arbres)", "City": "Ville", "Buildings": "Bâtiments",
        "Sensor sites": "Sites des capteurs", "the run this scenario changes": "le calcul que ce scénario modifie", "{} style of {}": "Style {} de {}",
        "Felt temperature (UTCI, °C) of the composite hot day, by ictu {}.": "Température ressentie (UTCI, °C) de la journée chaude composite, par ictu {}.",
    ]
}
