import Scenario

/// The viewer: one page on Leaflet (served by us from Debian's libjs-leaflet; no CDN, works offline).
/// Layer switcher, legend in °C on the UTCI classes, opacity, sensor sites with QC and observed vs predicted,
/// click (or Enter on "Explain the centre") for a cell's explanation, scale bar, the view kept in the URL,
/// English and French, an optional OpenStreetMap basemap when online.
enum ViewerPage {
    static let html = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ICTU viewer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/leaflet/leaflet.css">
<style>
html, body { height: 100%; margin: 0; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a; }
body { display: flex; flex-direction: column; }
header { display: flex; align-items: center; gap: 1em; padding: .4em 1em; background: #1f2d3d; color: #fff; }
header h1 { font-size: 1.1em; margin: 0; flex: 1; }
header h1 .short { display: none; }
header button { background: #fff; color: #1f2d3d; border: 0; border-radius: 3px; padding: .3em .7em; font-weight: bold; cursor: pointer; }
main { flex: 1; display: flex; min-height: 0; }
.warning { margin: 0; padding: .5em 1em; background: #fff3cd; color: #3d3000; border-bottom: 2px solid #8a6d00; }
#tileSource.note { margin: 0; padding: .3em 1em; background: #eef3f8; color: #1d2b3a; font-size: .9em; border-bottom: 1px solid #b8c7d6; }
#panel { width: 300px; overflow-y: auto; overflow-x: hidden; box-sizing: border-box; padding: .8em 1em; border-right: 1px solid #ccc; background: #fafafa; font-size: .92em; }
#panel label { display: block; font-weight: 600; margin: .8em 0 .3em; }
#panel select, #panel input[type=range] { width: 100%; }
#panel button { margin-top: .8em; padding: .4em .7em; border: 1px solid #1f2d3d; background: #fff; color: #1f2d3d; border-radius: 3px; cursor: pointer; }
:focus-visible { outline: 3px solid #c25400; outline-offset: 2px; }
#map { flex: 1; }
.bar { height: 16px; border: 1px solid #444; }
.ticks { position: relative; height: 1.4em; font-size: .85em; }
.ticks span { position: absolute; transform: translateX(-50%); }
.classes { list-style: none; padding: 0; margin: 0; }
.classes li { display: flex; align-items: center; gap: .5em; margin: .15em 0; }
.utci-classes { margin-top: .3em; font-size: .85em; }
#round summary { font-weight: 600; margin: .8em 0 .3em; cursor: pointer; min-height: 24px; }
#roundList { padding-left: 1.6em; margin: .3em 0; }
#roundList li { margin: .4em 0; }
#roundList li.done .round-name { text-decoration: line-through; color: #555; }
#roundList button { margin: 0; padding: .1em .4em; }
#roundList label { display: inline-flex !important; align-items: center; gap: .3em; font-weight: normal !important; margin: 0 !important; }
.class-range { display: inline-block; min-width: 5.5em; font-variant-numeric: tabular-nums; }
.swatch { width: 18px; height: 14px; border: 1px solid #444; display: inline-block; }
.site-icon { background: #2166ac; border: 2px solid #fff; border-radius: 50%; box-shadow: 0 0 0 1.5px #222; }
.explain table { border-collapse: collapse; font-size: .85em; }
.explain td, .explain th { padding: 1px 6px; text-align: right; border-bottom: 1px solid #e3e3e3; }
.explain th[scope=row] { text-align: left; font-weight: normal; }
.note { color: #444; font-size: .85em; }
#panel input[type=number], #panel input[type=file] { width: 100%; box-sizing: border-box; }
#scenarioSummary table { border-collapse: collapse; font-size: .85em; margin-top: .5em; }
#scenarioSummary td, #scenarioSummary th { padding: 1px 5px; text-align: right; border-bottom: 1px solid #e3e3e3; }
#scenarioSummary th[scope=row] { text-align: left; font-weight: normal; }
#variants h3 { font-size: 1em; margin: .8em 0 .3em; }
#variantList { list-style: none; padding: 0; margin: 0 0 .5em; }
#variantList li { display: flex; align-items: center; gap: .5em; min-height: 44px; }
#variantList label { flex: 1; }
#variantList a { color: #0b4f8a; }
#variantList button.remove { min-width: 44px; min-height: 44px; font-size: 1.2em; }
.error { color: #a50026; }
fieldset { margin-top: .8em; border: 1px solid #bbb; } fieldset label { font-weight: normal !important; margin: .2em 0 !important; }
button:disabled, #panel button:disabled { opacity: .45; cursor: not-allowed; }
header #panelToggle { display: none; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.leaflet-marker-icon:focus-visible, .leaflet-container:focus-visible { outline: 3px solid #c25400; outline-offset: 2px; }
path.leaflet-interactive:focus { outline: none; stroke: #c25400; stroke-width: 5px; }
.north-arrow { background: rgba(255, 255, 255, .9); border-radius: 4px; padding: 2px 6px; font: bold 13px/1.1 system-ui, sans-serif; text-align: center; color: #1a1a1a; box-shadow: 0 1px 4px rgba(0, 0, 0, .4); }
.leaflet-popup-content { overflow-x: auto; }
.leaflet-container a.leaflet-popup-close-button { color: #555; }
.coordinates button { margin-left: .4em; padding: .1em .5em; border: 1px solid #1f2d3d; background: #fff; border-radius: 3px; cursor: pointer; }
#drawTarget { position: absolute; left: 50%; top: 50%; width: 28px; height: 28px; margin: -14px 0 0 -14px; z-index: 650; pointer-events: none;
  background: linear-gradient(#c25400, #c25400) center / 2px 100% no-repeat, linear-gradient(#c25400, #c25400) center / 100% 2px no-repeat; }
#printTitle { display: none; }
#search { width: 100%; box-sizing: border-box; padding: .3em; }
#searchStatus:empty { display: none; }
#searchResults { list-style: none; padding: 0; margin: .2em 0; }
#searchResults button { margin: .1em 0 !important; width: 100%; text-align: left; }
.search-hit { fill: none; stroke: #c25400; stroke-width: 3; stroke-dasharray: 6 4; }
#swipe { position: absolute; z-index: 640; left: 0; right: 0; top: 50%; width: 100%; margin: 0; background: transparent; pointer-events: none; -webkit-appearance: none; appearance: none; }
#swipe::-webkit-slider-runnable-track { background: transparent; }
#swipe::-webkit-slider-thumb { -webkit-appearance: none; pointer-events: auto; width: 44px; height: 44px; border-radius: 50%; background: #fff; border: 3px solid #1f2d3d; cursor: ew-resize; box-shadow: 0 1px 4px rgba(0, 0, 0, .5); }
#swipe::-moz-range-thumb { pointer-events: auto; width: 40px; height: 40px; border-radius: 50%; background: #fff; border: 3px solid #1f2d3d; cursor: ew-resize; }
#swipeLine { position: absolute; z-index: 630; top: 0; bottom: 0; width: 3px; margin-left: -1px; background: #1f2d3d; pointer-events: none; }
.swipe-label { position: absolute; z-index: 630; top: 8px; padding: 2px 6px; background: rgba(255, 255, 255, .92); border: 1px solid #1f2d3d; border-radius: 3px; font-size: .8em; pointer-events: none; }
/* A phone: the map takes the screen; the controls are a drawer behind the header's button; every target ≥ 44 px. */
@media (max-width: 700px) {
  header { padding: .2em .5em; gap: .4em; }
  header h1 .short { display: inline; }
  header h1 .long { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  header button, header #panelToggle { display: inline-block; min-height: 44px; min-width: 44px; }
  main { position: relative; }
  #panel { position: absolute; z-index: 1001; top: 0; bottom: 0; left: 0; width: min(88vw, 360px); box-shadow: 2px 0 8px rgba(0, 0, 0, .35); }
  #panel:not(.open) { display: none; }
  #panel button, #panel select, #panel input[type=number], #panel input[type=text], #panel input[type=range], #panel input[type=file], #search { min-height: 44px; }
  .leaflet-control-attribution a { display: inline-block; padding: 14px 4px; }
  #round summary { display: flex; align-items: center; min-height: 44px; }
  #roundList label { min-height: 44px; min-width: 44px; }
  .leaflet-container a.leaflet-popup-close-button { width: 44px; height: 44px; font: 28px/44px system-ui, sans-serif; color: #333; }
  #panel fieldset label, #panel > label:has(input[type=checkbox]), #scenarioView label { display: flex; align-items: center; gap: .4em; min-height: 44px; }
  #panel input[type=checkbox], #panel input[type=radio] { width: 22px; height: 22px; }
  .leaflet-touch .leaflet-bar a { width: 44px; height: 44px; line-height: 44px; }
  .warning { max-height: 4.6em; overflow-y: auto; font-size: .85em; padding: .3em .6em; }
}
@media print {
  @page { margin: 10mm; }
  header, .warning button, #panel > :not(#legend):not(#round[open]), #searchBox, .leaflet-control-zoom, #drawTarget, #swipe, #roundList button { display: none !important; }
  #printTitle { display: block; margin: 0 0 .3em; font-size: 12pt; }
  #printTitle h1 { font-size: 15pt; margin: 0; }
  body { display: block; height: auto; }
  main { display: flex; flex-direction: column-reverse; height: 180mm; }
  #panel { display: block !important; position: static; width: auto; border: 0; background: none; box-shadow: none; overflow: visible; padding: .3em 0; }
  #map { flex: 1; border: 1px solid #888; }
}
</style>
</head>
<body>
<header>
  <button id="panelToggle" type="button" aria-controls="panel" aria-expanded="false" data-i18n="controls">Controls</button>
  <h1><span class="short" aria-hidden="true">ICTU</span><span class="long" data-i18n="title">ICTU — felt temperature map</span></h1>
  <button id="print" type="button" data-i18n="print">Print</button>
  <button id="lang" type="button" aria-label="Français">FR</button>
</header>
<div id="printTitle"><h1 data-i18n="title">ICTU — felt temperature map</h1><p id="printInfo"></p></div>
<p id="calibrationWarning" class="warning" role="alert" hidden></p>
<p id="inputWarnings" class="warning" role="status" hidden></p>
<p id="tileSource" class="note" role="status" hidden></p>
<main>
  <div id="panel" role="region" aria-label="Map controls">
    <form id="searchBox" role="search">
      <label for="search" data-i18n="search">Find a street, a square, a district, or lon, lat</label>
      <input id="search" type="search" autocomplete="off" aria-describedby="searchStatus">
      <p id="searchStatus" class="note" role="status" aria-live="polite"></p>
      <ul id="searchResults"></ul>
    </form>
    <label for="layer" data-i18n="layer">Layer</label>
    <select id="layer"></select>
    <label for="opacity"><span data-i18n="opacity">Opacity</span> <span id="opacityValue">80 %</span></label>
    <input id="opacity" type="range" min="0" max="100" value="80">
    <label for="compare" data-i18n="compare">Compare with (swipe)</label>
    <select id="compare"><option value="" data-i18n="noCompare">— none —</option></select>
    <div id="legend" aria-live="polite"></div>
    <fieldset id="diagnosis" hidden><legend data-i18n="diagnosisTitle">Diagnosis</legend></fieldset>
    <details id="round" hidden><summary data-i18n="roundTitle">Watering round (walking order)</summary><p id="roundInfo" class="note"></p><ol id="roundList"></ol></details>
    <label><input id="outlines" type="checkbox" checked> <span data-i18n="outlines">Building outlines (from the city's own data, offline)</span></label>
    <label><input id="basemap" type="checkbox"> <span data-i18n="basemap">OpenStreetMap basemap (online)</span></label>
    <button id="explainCentre" type="button" data-i18n="explainCentre">Explain the centre of the map</button>
    <button id="exportPng" type="button" data-i18n="exportPng">Download this view (PNG)</button>
    <p class="note" data-i18n="help">Click anywhere on the map for the cell's explanation: each term's contribution in °C. Blue dots are the sensor sites. Arrow keys pan, + and − zoom.</p>
    <fieldset id="scenario"><legend data-i18n="scenarioTitle">Scenario</legend>
      <label for="scenarioKind" data-i18n="scenarioKind">Edit</label>
      <select id="scenarioKind"></select>
      <label for="scenarioValue" id="scenarioValueLabel"></label>
      <input id="scenarioValue" type="number" step="any">
      <button id="scenarioDraw" type="button" data-i18n="scenarioDraw">Draw a polygon</button>
      <button id="scenarioFinish" type="button" data-i18n="scenarioFinish" hidden>Finish the polygon</button>
      <label for="scenarioFile" data-i18n="scenarioUpload">Or load a scenario (GeoJSON)</label>
      <input id="scenarioFile" type="file" accept=".geojson,.json,application/geo+json">
      <label for="scenarioName" data-i18n="scenarioName">Name of this variant</label>
      <input id="scenarioName" type="text" maxlength="80" autocomplete="off">
      <button id="scenarioRun" type="button" data-i18n="scenarioRun" disabled>Run the scenario</button>
      <button id="scenarioClear" type="button" data-i18n="scenarioClear">Clear</button>
      <p id="scenarioStatus" class="note" role="status" aria-live="polite"></p>
      <div id="scenarioView" hidden role="radiogroup" aria-label="Scenario view">
        <label><input type="radio" name="scenarioView" value="before"> <span data-i18n="before">Before</span></label>
        <label><input type="radio" name="scenarioView" value="after"> <span data-i18n="after">After</span></label>
        <label><input type="radio" name="scenarioView" value="delta" checked> <span data-i18n="difference">Difference (after − before)</span></label>
        <label><input type="radio" name="scenarioView" value="swipe"> <span data-i18n="swipeBeforeAfter">Swipe: before | after</span></label>
        <label><input type="checkbox" id="scenarioNight"> <span data-i18n="atNight">At night</span></label>
      </div>
      <div id="variants" hidden>
        <h3 data-i18n="variants">Variants</h3>
        <ul id="variantList"></ul>
        <label for="variantCompare" data-i18n="compareVariant">Compare with another variant (swipe)</label>
        <select id="variantCompare"></select>
      </div>
      <div id="scenarioSummary" aria-live="polite"></div>
    </fieldset>
    <p class="note" id="runInfo"></p>
  </div>
  <div id="map" role="region" aria-label="Map" aria-describedby="mapDescription"></div>
  <p id="mapDescription" class="visually-hidden" data-i18n="mapDescription">The map of the selected layer. Arrow keys pan, + and − zoom; Tab reaches the sensor sites and, when shown, the islands and trees; Enter opens what has the focus. While drawing a polygon, Enter places a corner at the centre of the map.</p>
</main>
<script src="/leaflet/leaflet.js"></script>
<script src="/pmtiles.js"></script>
<script>
"use strict";
const T = {
  en: { basemapCity: "The city's basemap (offline)", search: "Find a street, a square, a district, or lon, lat", searchCoordinatesOnly: "Go to lon, lat (this city has no street names)", searchNone: "Nothing of that name in this city.", searchCount: n => `${n} found`,
        searchCoordinates: (lon, lat) => `Go to ${lon}, ${lat}`, searchOutside: "These coordinates are outside the run's map.",
        roundTitle: "Watering round (walking order)", roundInfo: (n, km, litres) => `${n} trees, ${km} km on foot (straight lines), ${litres} L. Tick a tree when watered: kept in this browser.`,
        show: "Show", watered: "watered",
        outlines: "Building outlines (from the city's own data, offline)",
        change: "Change", buildingShort: "a building",
        compare: "Compare with (swipe)", noCompare: "— none —", swipeBeforeAfter: "Swipe: before | after", swipePosition: "Swipe position, % of the map's width",
        exportPng: "Download this view (PNG)", exportFile: "ictu-map",
        controls: "Controls", print: "Print", copy: "Copy", copied: "Copied", copyTitle: "Copy as --at=lon,lat for ictu explain",
        mapDescription: "The map of the selected layer. Arrow keys pan, + and − zoom; Tab reaches the sensor sites and, when shown, the islands and trees; Enter opens what has the focus. While drawing a polygon, Enter places a corner at the centre of the map.",
        north: "North", printed: "Printed", drawingKeys: "Keyboard: pan with the arrow keys and press Enter on the map to place a corner at the centre cross.",
        archiveSource: "Tiles read from the PMTiles archive", archiveUnreadable: "Some tiles could not be read from the PMTiles archive (is it there, and does its server answer range requests?):",
        title: "ICTU — felt temperature map", inputWarnings: "About the inputs:", notCalibrated: "Not calibrated: these maps use the model's default coefficients, not fitted to this city's sensors, because", partlyCalibrated: "Partly calibrated: a window uses the model's default coefficients because", layer: "Layer", opacity: "Opacity", basemap: "OpenStreetMap basemap (online)",
        explainCentre: "Explain the centre of the map", help: "Click anywhere on the map for the cell's explanation: each term's contribution in °C. Blue dots are the sensor sites. Arrow keys pan, + and − zoom.",
        day: "Day (14–17 h)", night: "Night (22–06 h)", term: "Term", building: "A building (no value here).", sum: "Sum of the terms",
        air: "Air temperature", anomaly: "anomaly to the reference", vapour: "Vapour pressure", tmrt: "Mean radiant temperature", sunlit: "Sunlit fraction",
        uncertainty: "Uncertainty (1 σ, day)", site: "Site", sensors: "Sensors", hours: "hours kept", flags: "QC flags", none: "none",
        observed: "observed", predicted: "predicted", anomalyTitle: "Air-temperature anomaly to the reference, °C", offline: "offline: no basemap",
        classes: "UTCI heat-stress classes", run: "Run", hotDays: "hot days", median: "median day ICTU", rejected: "rejected",
        diagnosisTitle: "Diagnosis", heat_islands_day: "Heat islands, day", heat_islands_night: "Heat islands, night", cool_islands: "Cool islands", watering: "Watering priorities (trees)",
        tree: "Tree", priority: "priority", stress: "hydric stress", service: "cooling service", exposureLabel: "exposure", recoverability: "recoverability",
        need: "water need", inRound: "in this round", yes: "yes", no: "no",
        heatIsland: "Heat island", coolIsland: "Cool island", area: "area", mean: "mean", max: "max", causes: "causes", nearestCool: "nearest cool island",
        scenarioTitle: "Scenario", scenarioKind: "Edit", scenarioDraw: "Draw a polygon", scenarioFinish: "Finish the polygon", scenarioUpload: "Or load a scenario (GeoJSON)",
        scenarioName: "Name of this variant", variants: "Variants", compareVariant: "Compare with another variant (swipe)", showVariant: "Show",
        download: "GeoJSON", downloadTitle: "Download this variant's scenario (GeoJSON: load it again, or run it with ictu simulate)", remove: "Remove",
        variantNamePlaceholder: "e.g. park with pond", summaryPending: "Cool-island access and the 15 h figures are being computed…", summaryFailed: "The cool-island and 15 h figures could not be computed:", otherCRS: "The loaded scenario's coordinates are in its own CRS, not longitude/latitude: run it as it is, or clear it before drawing.", ownStudyArea: "Each variant's figures are over its own study area: its edits and what they reach (300 m around).", scenarioRun: "Run the scenario", scenarioClear: "Clear", before: "Before", after: "After", difference: "Difference (after − before)", atNight: "At night",
        drawing: "Click the map to place the corners, then “Finish the polygon”.", needThree: "A polygon needs at least 3 corners.",
        ready: n => `${n} edit(s) ready: run the scenario.`, computing: "Computing… (up to a minute on a large window)", done: s => `Done in ${s} s.`,
        zone: "Zone", dayChange: "Day", nightChange: "Night", strong: "Public space ≥ 32 °C at 15 h", veryStrong: "Public space ≥ 38 °C at 15 h",
        coolAccess: "Within 300 m of a cool island", shadedSidewalk: "Shaded sidewalk at 15 h", notGeoJSON: "Not a GeoJSON FeatureCollection",
        kinds: { park: "New park", trees: "Plant trees", prune: "Prune crowns", remove_trees: "Remove trees", building: "New building", demolish: "Demolish",
                 surface: "Resurface (albedo)", water: "Water", irrigate: "Water the vegetation" },
        values: { years_after_planting: "Years after planting", crown_reduction: "Share of the crown removed (0–1)", height_m: "Height, m",
                  permeable: "Permeable (0 sealed, 1 lawn)", albedo: "Albedo (0.02–0.9)", stress_after: "Hydric stress after (0–1)" },
        layers: { day: "ICTU day (14–17 h), °C", night: "ICTU night (22–06 h), °C", relative: "Day ICTU relative to the median, °C", classes: "UTCI heat-stress class (day)",
                  hydric_stress: "Canopy hydric stress (0–1)", uncertainty: "Uncertainty of the day ICTU (1 σ), °C" } },
  fr: { basemapCity: "Fond de plan de la ville (hors ligne)", search: "Chercher une rue, une place, un quartier, ou lon, lat", searchCoordinatesOnly: "Aller à lon, lat (cette ville n'a pas de noms de rues)", searchNone: "Aucun lieu de ce nom dans cette ville.", searchCount: n => `${n} trouvé${n > 1 ? "s" : ""}`,
        searchCoordinates: (lon, lat) => `Aller à ${lon} ; ${lat}`, searchOutside: "Ces coordonnées sont hors de la carte du calcul.",
        roundTitle: "Tournée d'arrosage (ordre de marche)", roundInfo: (n, km, litres) => `${n} arbres, ${km} km à pied (en ligne droite), ${litres} L. Cochez un arbre arrosé : gardé dans ce navigateur.`,
        show: "Voir", watered: "arrosé",
        outlines: "Contours des bâtiments (données de la ville, hors ligne)",
        change: "Écart", buildingShort: "un bâtiment",
        compare: "Comparer avec (glisser)", noCompare: "— aucune —", swipeBeforeAfter: "Glisser : avant | après", swipePosition: "Position du curseur, % de la largeur de la carte",
        exportPng: "Télécharger cette vue (PNG)", exportFile: "ictu-carte",
        controls: "Commandes", print: "Imprimer", copy: "Copier", copied: "Copié", copyTitle: "Copier au format --at=lon,lat pour ictu explain",
        mapDescription: "La carte de la couche choisie. Flèches : déplacer ; + et − : zoom ; Tab atteint les sites de capteurs et, quand ils sont affichés, les îlots et les arbres ; Entrée ouvre l'élément qui a le focus. Pendant le dessin d'un polygone, Entrée place un sommet au centre de la carte.",
        north: "Nord", printed: "Imprimé le", drawingKeys: "Au clavier : déplacez la carte avec les flèches et appuyez sur Entrée sur la carte pour placer un sommet sous la croix centrale.",
        archiveSource: "Tuiles lues dans l'archive PMTiles", archiveUnreadable: "Des tuiles n'ont pas pu être lues dans l'archive PMTiles (est-elle là, et son serveur répond-il aux requêtes partielles ?) :",
        title: "ICTU — carte de température ressentie", inputWarnings: "À propos des données :", notCalibrated: "Non calibrée : ces cartes utilisent les coefficients par défaut du modèle, non ajustés aux capteurs de la ville, car", partlyCalibrated: "Calibrée en partie : une fenêtre utilise les coefficients par défaut du modèle, car", layer: "Couche", opacity: "Opacité", basemap: "Fond OpenStreetMap (en ligne)",
        explainCentre: "Expliquer le centre de la carte", help: "Cliquez sur la carte pour l'explication de la cellule : la contribution de chaque terme en °C. Les points bleus sont les sites de capteurs. Flèches : déplacer ; + et − : zoom.",
        day: "Jour (14–17 h)", night: "Nuit (22–06 h)", term: "Terme", building: "Un bâtiment (pas de valeur ici).", sum: "Somme des termes",
        air: "Température de l'air", anomaly: "écart à la station de référence", vapour: "Pression de vapeur", tmrt: "Température moyenne radiante", sunlit: "Part ensoleillée",
        uncertainty: "Incertitude (1 σ, jour)", site: "Site", sensors: "Capteurs", hours: "heures gardées", flags: "Contrôles qualité", none: "aucun",
        observed: "observé", predicted: "prédit", anomalyTitle: "Écart de température de l'air à la référence, °C", offline: "hors ligne : pas de fond",
        classes: "Classes de stress thermique UTCI", run: "Calcul", hotDays: "jours chauds", median: "ICTU jour médian", rejected: "rejeté",
        diagnosisTitle: "Diagnostic", heat_islands_day: "Îlots de chaleur, jour", heat_islands_night: "Îlots de chaleur, nuit", cool_islands: "Îlots de fraîcheur", watering: "Priorités d'arrosage (arbres)",
        tree: "Arbre", priority: "priorité", stress: "stress hydrique", service: "service de rafraîchissement", exposureLabel: "exposition", recoverability: "récupérabilité",
        need: "besoin en eau", inRound: "dans cette tournée", yes: "oui", no: "non",
        heatIsland: "Îlot de chaleur", coolIsland: "Îlot de fraîcheur", area: "surface", mean: "moyenne", max: "max", causes: "causes", nearestCool: "îlot de fraîcheur le plus proche",
        scenarioTitle: "Scénario", scenarioKind: "Modification", scenarioDraw: "Dessiner un polygone", scenarioFinish: "Terminer le polygone", scenarioUpload: "Ou charger un scénario (GeoJSON)",
        scenarioName: "Nom de cette variante", variants: "Variantes", compareVariant: "Comparer avec une autre variante (glisser)", showVariant: "Afficher",
        download: "GeoJSON", downloadTitle: "Télécharger le scénario de cette variante (GeoJSON : le recharger, ou le lancer avec ictu simulate)", remove: "Retirer",
        variantNamePlaceholder: "p. ex. parc avec bassin", summaryPending: "L'accès aux îlots de fraîcheur et les chiffres de 15 h sont en cours de calcul…", summaryFailed: "Les chiffres des îlots de fraîcheur et de 15 h n'ont pas pu être calculés :", otherCRS: "Les coordonnées du scénario chargé sont dans son propre système, pas en longitude/latitude : lancez-le tel quel, ou effacez-le avant de dessiner.", ownStudyArea: "Les chiffres de chaque variante portent sur sa propre zone d'étude : ses modifications et ce qu'elles atteignent (300 m autour).", scenarioRun: "Lancer le scénario", scenarioClear: "Effacer", before: "Avant", after: "Après", difference: "Différence (après − avant)", atNight: "La nuit",
        drawing: "Cliquez sur la carte pour placer les sommets, puis « Terminer le polygone ».", needThree: "Un polygone a au moins 3 sommets.",
        ready: n => `${n} modification(s) prête(s) : lancez le scénario.`, computing: "Calcul… (jusqu'à une minute sur une grande fenêtre)", done: s => `Terminé en ${s} s.`,
        zone: "Zone", dayChange: "Jour", nightChange: "Nuit", strong: "Espace public ≥ 32 °C à 15 h", veryStrong: "Espace public ≥ 38 °C à 15 h",
        coolAccess: "À moins de 300 m d'un îlot de fraîcheur", shadedSidewalk: "Trottoir ombragé à 15 h", notGeoJSON: "Pas une FeatureCollection GeoJSON",
        kinds: { park: "Nouveau parc", trees: "Planter des arbres", prune: "Élaguer les houppiers", remove_trees: "Abattre des arbres", building: "Nouveau bâtiment", demolish: "Démolir",
                 surface: "Revêtement (albédo)", water: "Eau", irrigate: "Arroser la végétation" },
        values: { years_after_planting: "Années après plantation", crown_reduction: "Part du houppier enlevée (0–1)", height_m: "Hauteur, m",
                  permeable: "Perméable (0 imperméable, 1 pelouse)", albedo: "Albédo (0,02–0,9)", stress_after: "Stress hydrique après (0–1)" },
        layers: { day: "ICTU jour (14–17 h), °C", night: "ICTU nuit (22–06 h), °C", relative: "ICTU jour relatif à la médiane, °C", classes: "Classe de stress thermique UTCI (jour)",
                  hydric_stress: "Stress hydrique de la canopée (0–1)", uncertainty: "Incertitude de l'ICTU jour (1 σ), °C" } }
};
const TERMS_FR = { reference: "station de référence, sol ouvert", city_offset: "décalage urbain", buildings: "bâtiments", sealed_ground: "sol imperméabilisé",
  tree_canopy: "canopée arborée", shrub: "arbustes", grass: "herbe", hydric_stress: "stress hydrique", shade: "ombre : rayonnement direct arrêté", albedo: "albédo",
  water: "eau", park: "parc", residual: "résidu" };
// UTCI's heat-stress classes (Bröde et al. 2012), as the server's classes layer names them.
const UTCI_CLASSES = [{ from: 9, to: 26, label: "no thermal stress" }, { from: 26, to: 32, label: "moderate heat stress" },
  { from: 32, to: 38, label: "strong heat stress" }, { from: 38, to: 46, label: "very strong heat stress" }, { from: 46, to: Infinity, label: "extreme heat stress" }];
const CLASSES_FR = { "no thermal stress": "pas de stress thermique", "moderate heat stress": "stress thermique modéré", "strong heat stress": "fort stress thermique",
  "very strong heat stress": "très fort stress thermique", "extreme heat stress": "stress thermique extrême" };

const params = new URLSearchParams(location.hash.slice(1));
const queryLang = new URLSearchParams(location.search).get("lang");
const state = { layer: params.get("layer") || "day", lang: (params.get("lang") || queryLang || (navigator.language || "en").slice(0, 2)) === "fr" ? "fr" : "en", opacity: Number(params.get("opacity") || 80), compare: params.get("compare") || "" };
const t = key => T[state.lang][key];
// Numbers as the reader writes them: a decimal comma in French.
const decimal = text => state.lang === "fr" ? text.replace(".", ",") : text;
const fmt = (v, d = 1) => (typeof v === "number" && isFinite(v)) ? decimal(v.toFixed(d)) : "—";
// A value that rounds to zero is +0.00, not −0.00.
const signed = (v, d = 2) => {
  if (typeof v !== "number" || !isFinite(v)) return "—";
  const s = Number(v.toFixed(d)) === 0 ? (0).toFixed(d) : v.toFixed(d);
  return (s.startsWith("-") ? "" : "+") + decimal(s);
};
// What the server writes in English, said in French: QC flags, the causes of a heat island, a scenario's zones.
const FLAGS_FR = { missing: "manquante", duplicate: "en double", conflicting_duplicate: "doublon contradictoire", out_of_range: "hors plage",
  rh_over_100: "HR au-delà de 100 %", spike: "pic", flat_line: "valeur figée", radiation_bias: "biais de rayonnement" };
const CAUSES_FR = { "little shade": "peu d'ombre", "few trees": "peu d'arbres", "few shrubs": "peu d'arbustes", "little grass": "peu d'herbe",
  "no water nearby": "pas d'eau proche", "far from parks": "loin des parcs", "stressed vegetation": "végétation en stress hydrique" };
const ZONES_FR = { "perimeter": "périmètre", "ring 0–100 m": "anneau 0–100 m", "ring 100–300 m": "anneau 100–300 m" };
function causesText(text) {
  if (state.lang !== "fr") return text;
  return String(text).split(", ").map(part => {
    const m = part.match(/^(.*) (\d+ %)$/);
    if (!m) return part;
    return `${CAUSES_FR[m[1]] || TERMS_FR_BY_LABEL[m[1]] || m[1]} ${m[2]}`;
  }).join(", ");
}
const TERMS_FR_BY_LABEL = { "reference station, open ground": "station de référence, sol ouvert", "city offset": "décalage urbain", "buildings": "bâtiments",
  "sealed ground": "sol imperméabilisé", "tree canopy": "canopée arborée", "shrubs": "arbustes", "grass": "herbe", "hydric stress": "stress hydrique",
  "shade: beam blocked": "ombre : rayonnement direct arrêté", "albedo": "albédo", "water": "eau", "park": "parc", "residual": "résidu" };
// A tree's priority in words, from its properties (the server's `reason`, composed the same way, in English).
function treeReason(p) {
  if (state.lang !== "fr") return p.reason;
  if (p.stress === null || p.stress === undefined || p.stress === "") return "pas de canopée vue au-dessus du houppier dans la couche de canopée : vérifier la position dans l'inventaire";
  const s = Number(p.stress), parts = [];
  parts.push(s >= 0.9 ? `mort ou dépérissant (stress ${fmt(s, 2)}) : pas arrosé` : s >= 0.5 ? `stress hydrique sévère (${fmt(s, 2)})`
             : s >= 0.25 ? `stress hydrique modéré (${fmt(s, 2)})` : `faible stress hydrique (${fmt(s, 2)})`);
  if (typeof p.stress_trend === "number" && Math.abs(p.stress_trend) >= 0.05) parts.push(`stress ${p.stress_trend > 0 ? "en hausse" : "en baisse"} de ${fmt(Math.abs(p.stress_trend), 2)} depuis le calcul précédent`);
  const service = Number(p.cooling_service_c_m2) || 0, shade = Number(p.cooling_shade_c_m2) || 0;
  parts.push(`rafraîchit ${fmt(service, 0)} °C·m² d'espace public (${fmt(service > 0 ? 100 * Math.max(0, shade) / service : 0, 0)} % par son ombre)`);
  if (p.sensitive_nearby === "yes") parts.push("près d'une école, d'une crèche, d'un EHPAD ou d'un hôpital");
  if (typeof p.people_nearby === "number") parts.push(`${fmt(p.people_nearby, 0)} personnes à moins de 100 m`);
  if (typeof p.age_years === "number" && s < 0.9) { if (p.age_years < 10) parts.push("jeune : récupère bien s'il est arrosé"); else if (p.age_years > 80) parts.push("âgé : récupère moins"); }
  return parts.join(" ; ");
}
// The API in the viewer's language (its messages: an off-grid click, a refused scenario).
const api = (url, options = {}) => fetch(url, { ...options, headers: { ...(options.headers || {}), "Accept-Language": state.lang } });
const esc = s => String(s).replace(/[&<>"]/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
let run, map, overlay, osm;

function layerTitle(layer) {
  if (state.lang === "fr") {
    if (T.fr.layers[layer.name]) return T.fr.layers[layer.name];
    const m = layer.name.match(/^(day|night)-(.*)$/);
    if (m) return (m[1] === "day" ? "Jour : " : "Nuit : ") + (TERMS_FR[m[2]] || m[2]) + ", °C";
  }
  return layer.title;
}

function saveView() {
  if (!map) return;
  const c = map.getCenter();
  const p = new URLSearchParams({ layer: state.layer, z: map.getZoom(), lat: c.lat.toFixed(5), lon: c.lng.toFixed(5), lang: state.lang, opacity: state.opacity });
  if (state.compare) { p.set("compare", state.compare); p.set("swipe", cmp.position); }
  if (params.get("archives")) p.set("archives", params.get("archives"));
  if (sc.result) {
    p.set("scenario", sc.result.id);
    if (sc.versus) p.set("versus", sc.versus);
    p.set("view", document.querySelector("input[name=scenarioView]:checked").value);
    if (document.getElementById("scenarioNight").checked) p.set("night", "1");
  }
  history.replaceState(null, "", "#" + p.toString());
}

let legendLayer = null;
function renderLegend(shown) {
  const layer = shown || run.layers.find(l => l.name === state.layer);
  legendLayer = layer;
  const box = document.getElementById("legend");
  if (!layer) { box.innerHTML = ""; return; }
  const g = layer.legend;
  let html = `<p><strong>${esc(layerTitle(layer))}</strong></p>`;
  if (g.type === "classes") {
    html += `<ul class="classes" aria-label="${esc(t("classes"))}">` + g.classes.map(c =>
      `<li><span class="swatch" style="background:${c.colour}"></span>${esc(state.lang === "fr" ? (CLASSES_FR[c.label] || c.label) : c.label)} (${esc(c.range)})</li>`).join("") + "</ul>";
  } else {
    const lo = g.stops[0].value, hi = g.stops[g.stops.length - 1].value;
    const pct = v => ((v - lo) / (hi - lo) * 100).toFixed(2);
    html += `<div class="bar" role="img" aria-label="${esc(layerTitle(layer))}" style="background:linear-gradient(to right, ${g.stops.map(s => `${s.colour} ${pct(s.value)}%`).join(", ")})"></div>`;
    html += `<div class="ticks">` + g.ticks.map(k => `<span style="left:${pct(k.value)}%">${esc(k.label)}</span>`).join("") + `</div><p class="note">${esc(g.unit)}</p>`;
    // An ICTU map (not a difference or a term): the UTCI heat-stress classes its values fall in, named.
    if (["day", "night", "after", "after-night"].includes(layer.name)) {
      const name = c => state.lang === "fr" ? CLASSES_FR[c] : c;
      const shown = UTCI_CLASSES.filter(c => c.to > lo && c.from < hi);
      html += `<ul class="classes utci-classes" aria-label="${esc(t("classes"))}">` + shown.map(c =>
        `<li><span class="class-range">${c.to === Infinity ? "≥ " + c.from : c.from + "–" + c.to} °C</span> ${esc(name(c.label))}</li>`).join("") + "</ul>";
    }
  }
  box.innerHTML = html;
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll("[data-i18n]").forEach(e => { e.textContent = t(e.dataset.i18n); });
  document.getElementById("map").setAttribute("aria-label", state.lang === "fr" ? "Carte" : "Map");
  document.querySelectorAll(".north-arrow").forEach(e => e.setAttribute("aria-label", t("north")));
  const button = document.getElementById("lang");
  button.textContent = state.lang === "fr" ? "EN" : "FR";
  button.setAttribute("aria-label", state.lang === "fr" ? "English" : "Français");
  if (run) {
    const select = document.getElementById("layer");
    [...select.options].forEach(o => { o.textContent = layerTitle(run.layers.find(l => l.name === o.value)); });
    [...document.getElementById("compare").options].forEach(o => { if (o.value) o.textContent = layerTitle(run.layers.find(l => l.name === o.value)); });
    if (state.compare) compareChanged();
    renderLegend();
    [...document.getElementById("scenarioKind").options].forEach(o => { o.textContent = t("kinds")[o.value]; });
    scenarioKindChanged();
    if (sc.result) { renderSummary(sc.result.summary); showScenarioView(); }
    renderVariants();
    document.getElementById("scenarioName").placeholder = t("variantNamePlaceholder");
    if (round.trees.length) renderRound();
    renderSearch();
    document.getElementById("runInfo").textContent =
      `${t("run")}: ${run.hotDays.length} ${t("hotDays")}, ${t("median")} ${fmt(run.medianDayICTU)} °C — ictu ${run.engineVersion}`;
  }
  saveView();
}

// Swipe: a second layer in a pane of its own over the right of the divider, the main layer on its left (both
// clipped in the panes' own coordinates, which move as the map pans).
const cmp = { layer: null, position: 50, labels: null };

function clipPanes() {
  const main = overlay && overlay.getContainer();
  if (!cmp.layer) { if (main) main.style.clip = ""; return; }
  const size = map.getSize(), nw = map.containerPointToLayerPoint([0, 0]), se = map.containerPointToLayerPoint(size);
  const x = nw.x + size.x * cmp.position / 100;
  map.getPane("compare").style.clip = `rect(${nw.y}px, ${se.x}px, ${se.y}px, ${x}px)`;
  if (main) main.style.clip = `rect(${nw.y}px, ${x}px, ${se.y}px, ${nw.x}px)`;
  document.getElementById("swipeLine").style.left = `${cmp.position}%`;
  document.querySelectorAll(".swipe-label").forEach(e => { e.style[e.dataset.side === "left" ? "right" : "left"] = `${e.dataset.side === "left" ? 100 - cmp.position : cmp.position}%`; });
}

// Shows `spec` ({url or archive, left, right}) on the right of the divider; null hides the swipe.
function showCompare(spec) {
  if (cmp.layer) { map.removeLayer(cmp.layer); cmp.layer = null; }
  document.querySelectorAll("#swipe, #swipeLine, .swipe-label").forEach(e => e.remove());
  if (spec) {
    const options = { pane: "compare", maxNativeZoom: run.maxzoom, maxZoom: run.maxzoom + 3, opacity: state.opacity / 100 };
    cmp.layer = (spec.archive ? PMTiles.layer(spec.archive, options) : L.tileLayer(spec.url, options)).addTo(map);
    const box = document.getElementById("map");
    box.insertAdjacentHTML("beforeend", `<div id="swipeLine"></div><span class="swipe-label" data-side="left">${esc(spec.left)}</span><span class="swipe-label" data-side="right">${esc(spec.right)}</span>`);
    const slider = document.createElement("input");
    Object.assign(slider, { id: "swipe", type: "range", min: 0, max: 100, value: cmp.position });
    slider.setAttribute("aria-label", t("swipePosition"));
    L.DomEvent.disableClickPropagation(slider);
    slider.addEventListener("input", () => { cmp.position = Number(slider.value); clipPanes(); saveView(); });
    box.appendChild(slider);
  }
  clipPanes();
}

function compareChanged() {
  const name = document.getElementById("compare").value;
  state.compare = name;
  const layer = run.layers.find(l => l.name === name);
  const main = run.layers.find(l => l.name === state.layer);
  showCompare(layer ? { url: `/tiles/${encodeURIComponent(name)}/{z}/{x}/{y}.png`, archive: archiveOf(name), left: layerTitle(main), right: layerTitle(layer) } : null);
  saveView();
}

// A layer's PMTiles archive when the page was opened with #archives=run (the run's exported tiles/LAYER.pmtiles,
// served with range requests) or #archives=URL with {layer} (archives on any static web server); else none, and
// the server renders the tiles.
function archiveOf(name) {
  const spec = params.get("archives");
  if (!spec) return null;
  if (spec === "run") return (run.archives || {})[name] || null;
  return spec.replace("{layer}", encodeURIComponent(name));
}

// The main layer shows `source`: {archive} (a PMTiles URL) or {url} (an XYZ template).
function showTiles(source) {
  const options = { maxNativeZoom: run.maxzoom, maxZoom: run.maxzoom + 3, bounds: L.latLngBounds([[run.bounds[1], run.bounds[0]], [run.bounds[3], run.bounds[2]]]).pad(0.05),
                    opacity: state.opacity / 100, attribution: "ICTU" };
  const archive = !!source.archive;
  if (overlay && overlay.fromArchive !== archive) { map.removeLayer(overlay); overlay = null; }
  if (overlay) { overlay.setUrl(source.archive || source.url); return; }
  overlay = archive ? PMTiles.layer(source.archive, options) : L.tileLayer(source.url, options);
  overlay.fromArchive = archive;
  overlay.on("tileerror", () => {
    if (!archive) return;
    const status = document.getElementById("tileSource");
    status.className = "warning";
    status.textContent = `${t("archiveUnreadable")} ${source.archive}`;
    status.hidden = false;
  });
  overlay.addTo(map);
  const status = document.getElementById("tileSource");
  status.className = "note";
  status.hidden = !archive;
  if (archive) status.textContent = `${t("archiveSource")} ${source.archive}`;
}

function setLayer(name) {
  if (!run.layers.some(l => l.name === name)) name = "day";
  state.layer = name;
  document.getElementById("layer").value = name;
  const archive = archiveOf(name);
  showTiles(archive ? { archive } : { url: `/tiles/${encodeURIComponent(name)}/{z}/{x}/{y}.png` });
  renderLegend();
  saveView();
}

// Popups fit the screen: at most the viewport's width less a margin, and scroll past 60 % of its height on a phone.
function popupOptions(width) {
  const options = { maxWidth: Math.min(width, innerWidth - 60), minWidth: Math.min(200, innerWidth - 60), autoPanPadding: [10, 10] };
  if (innerWidth <= 700) { options.maxHeight = Math.round(innerHeight * 0.6); options.autoPanPaddingTopLeft = [10, 110]; }
  return options;
}

// A place as the command line takes it (lon, lat), with a button that copies `--at=lon,lat`.
function coordinates(lon, lat) {
  return `<p class="coordinates"><strong>lon ${fmt(lon, 5)}, lat ${fmt(lat, 5)}</strong><button type="button" class="copy" title="${esc(t("copyTitle"))}" onclick="copyPlace(this, ${lon}, ${lat})">${esc(t("copy"))}</button></p>`;
}

function copyPlace(button, lon, lat) {
  const text = `--at=${lon.toFixed(6)},${lat.toFixed(6)}`;
  const done = () => { button.textContent = t("copied"); };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, () => {});
  else { const area = document.createElement("textarea"); area.value = text; document.body.appendChild(area); area.select(); document.execCommand("copy"); area.remove(); done(); }
}

// Vector shapes reachable by keyboard: each a button in the tab order, Enter or Space opening its popup.
function keyboardReachable(layer, label) {
  layer.eachLayer(l => {
    const element = l.getElement && l.getElement();
    if (!element) return;
    element.setAttribute("tabindex", "0");
    element.setAttribute("role", "button");
    element.setAttribute("aria-label", label(l.feature));
    element.addEventListener("keydown", ev => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); l.openPopup(); } });
  });
}

// The city's building outlines over the map, from the run's own inputs (no network): fetched for the view from zoom 15.
const outlines = { layer: null, request: 0 };
async function refreshOutlines() {
  const box = document.getElementById("outlines");
  if (outlines.layer) { map.removeLayer(outlines.layer); outlines.layer = null; }
  if (!box.checked || map.getZoom() < 15) return;
  const b = map.getBounds().pad(0.1), request = ++outlines.request;
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(v => v.toFixed(6)).join(",");
  const response = await api(`/api/buildings?bbox=${bbox}`);
  if (!response.ok || request !== outlines.request) return;
  const data = await response.json();
  if (outlines.layer) map.removeLayer(outlines.layer);
  outlines.layer = L.geoJSON(data, { pane: "outlines", interactive: false, style: { color: "#222", weight: 1, opacity: 0.8, fill: false, className: "building-outline" } }).addTo(map);
}

function isPhone() { return innerWidth <= 700; }

// "Download PNG": the view as the user sees it — tiles with their opacity and the swipe's clip, the islands and
// outlines, the sites — over a strip with the title, the legend, a scale bar and the north arrow.
async function exportView() {
  map.invalidateSize();
  const box = map.getContainer().getBoundingClientRect(), size = map.getSize();
  const strip = 118, ratio = 1;
  const canvas = document.createElement("canvas");
  canvas.width = size.x * ratio; canvas.height = (size.y + strip) * ratio;
  const g = canvas.getContext("2d");
  g.fillStyle = "#ffffff"; g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = "#dddddd"; g.fillRect(0, 0, size.x, size.y);
  const nw = map.containerPointToLayerPoint([0, 0]);
  const clipOf = el => {
    const m = el && /rect\(([-\d.]+)px,? ([-\d.]+)px,? ([-\d.]+)px,? ([-\d.]+)px\)/.exec(el.style.clip || "");
    return m ? { left: parseFloat(m[4]) - nw.x, right: parseFloat(m[2]) - nw.x } : null;
  };
  // Tiles, bottom pane first; only this server's (an online basemap's would taint the canvas).
  const panes = [...map.getContainer().querySelectorAll(".leaflet-pane")].filter(p => p.querySelector("img.leaflet-tile-loaded"))
    .sort((a, b) => (Number(getComputedStyle(a).zIndex) || 0) - (Number(getComputedStyle(b).zIndex) || 0));
  for (const pane of panes) {
    for (const img of pane.querySelectorAll("img.leaflet-tile-loaded")) {
      if (new URL(img.src).origin !== location.origin) continue;
      const layer = img.closest(".leaflet-layer"), r = img.getBoundingClientRect();
      const clip = clipOf(layer) || clipOf(img.closest(".leaflet-pane"));
      g.save();
      if (clip) { g.beginPath(); g.rect(clip.left, 0, clip.right - clip.left, size.y); g.clip(); }
      g.globalAlpha = Number(layer && layer.style.opacity || 1);
      g.drawImage(img, r.left - box.left, r.top - box.top, r.width, r.height);
      g.restore();
    }
  }
  // Vector layers (islands, outlines, a drawn polygon): their SVG drawn as an image.
  for (const svg of map.getContainer().querySelectorAll(".leaflet-pane svg")) {
    const r = svg.getBoundingClientRect();
    const copy = svg.cloneNode(true);
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    copy.removeAttribute("style");  // its CSS transform places it on the page: drawn at its box here, not twice moved
    const image = new Image();
    await new Promise(done => { image.onload = done; image.onerror = done; image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(new XMLSerializer().serializeToString(copy)); });
    if (image.complete && image.naturalWidth) g.drawImage(image, r.left - box.left, r.top - box.top, r.width, r.height);
  }
  for (const icon of map.getContainer().querySelectorAll(".site-icon")) {
    const r = icon.getBoundingClientRect();
    g.beginPath(); g.arc(r.left - box.left + r.width / 2, r.top - box.top + r.height / 2, r.width / 2, 0, 2 * Math.PI);
    g.fillStyle = "#2166ac"; g.fill(); g.lineWidth = 2; g.strokeStyle = "#ffffff"; g.stroke();
  }
  if (cmp.layer) { const x = size.x * cmp.position / 100; g.fillStyle = "#1f2d3d"; g.fillRect(x - 1, 0, 3, size.y); }
  // North arrow (Web Mercator: north is up).
  g.fillStyle = "#1a1a1a"; g.beginPath(); g.moveTo(size.x - 24, 10); g.lineTo(size.x - 16, 34); g.lineTo(size.x - 24, 29); g.lineTo(size.x - 32, 34); g.closePath(); g.fill();
  g.font = "bold 13px system-ui, sans-serif"; g.textAlign = "center"; g.fillText("N", size.x - 24, 50);
  // The strip: title, legend, scale.
  const y0 = size.y;
  g.fillStyle = "#ffffff"; g.fillRect(0, y0, size.x, strip);
  g.strokeStyle = "#888888"; g.strokeRect(0.5, 0.5, size.x - 1, size.y - 1);
  g.fillStyle = "#1a1a1a"; g.textAlign = "left"; g.font = "bold 14px system-ui, sans-serif";
  const layer = legendLayer;
  g.fillText(`${layer ? layerTitle(layer) : ""}${cmp.layer ? " | " + document.querySelector(".swipe-label[data-side=right]").textContent : ""}`, 10, y0 + 20);
  g.font = "12px system-ui, sans-serif";
  g.fillText(`${run.cityName || ""} — ${new Date().toLocaleDateString(state.lang === "fr" ? "fr-FR" : "en-GB")} — ${document.getElementById("runInfo").textContent}`, 10, y0 + 110);
  const legend = layer && layer.legend, barX = 10, barW = Math.min(420, size.x - 150), barY = y0 + 32;
  if (legend && legend.type === "classes") {
    let x = barX;
    for (const c of legend.classes) {
      const label = state.lang === "fr" ? (CLASSES_FR[c.label] || c.label) : c.label;
      const w = g.measureText(label).width + 26;
      if (x + w > size.x - 130) break;
      g.fillStyle = c.colour; g.fillRect(x, barY, 14, 14); g.strokeStyle = "#444"; g.strokeRect(x, barY, 14, 14);
      g.fillStyle = "#1a1a1a"; g.fillText(label, x + 18, barY + 12); x += w;
    }
  } else if (legend) {
    const lo = legend.stops[0].value, hi = legend.stops[legend.stops.length - 1].value;
    const gradient = g.createLinearGradient(barX, 0, barX + barW, 0);
    for (const stop of legend.stops) gradient.addColorStop((stop.value - lo) / (hi - lo), stop.colour);
    g.fillStyle = gradient; g.fillRect(barX, barY, barW, 16); g.strokeStyle = "#444"; g.strokeRect(barX, barY, barW, 16);
    g.fillStyle = "#1a1a1a"; g.textAlign = "center";
    for (const tick of legend.ticks) {
      const x = barX + (tick.value - lo) / (hi - lo) * barW;
      g.fillRect(x, barY + 16, 1, 5);
      g.fillText(state.lang === "fr" ? String(tick.label).replace(".", ",") : tick.label, x, barY + 34);
    }
    g.textAlign = "left"; g.fillText(legend.unit, barX + barW + 8, barY + 13);
  }
  // Scale bar: a round length near 100 px at the map's centre latitude.
  const metresPerPixel = 40075016.686 * Math.cos(map.getCenter().lat * Math.PI / 180) / Math.pow(2, map.getZoom() + 8);
  const target = 100 * metresPerPixel, magnitude = Math.pow(10, Math.floor(Math.log10(target)));
  const length = [1, 2, 5, 10].map(k => k * magnitude).filter(v => v <= target).pop() || magnitude;
  const pixels = length / metresPerPixel, sx = size.x - pixels - 16, sy = y0 + 40;
  g.fillStyle = "#000"; g.fillRect(sx, sy, pixels / 2, 6); g.strokeStyle = "#000"; g.strokeRect(sx + pixels / 2, sy, pixels / 2, 6);
  g.textAlign = "right"; g.fillText(length >= 1000 ? `${fmt(length / 1000, 1)} km` : `${length} m`, sx + pixels, sy - 4);
  return canvas.toDataURL("image/png");
}
async function downloadView() {
  const url = await exportView();
  window.lastExport = url;
  const link = document.createElement("a");
  link.href = url; link.download = `${t("exportFile")}-${state.layer}-${new Date().toISOString().slice(0, 10)}.png`;
  document.body.appendChild(link); link.click(); link.remove();
}

// Search over the city's own names (its streets, squares, parks and districts) and coordinates typed in either
// order ("-0.5625, 44.8259" or "44.8259, -0.5625": the order whose point is on the run's map wins).
const found = { places: [], hit: null, timer: 0 };
function coordinatesIn(text) {
  const numbers = text.replace(/(\d),(\d)/g, "$1.$2").split(/[\s;,]+/).filter(Boolean).map(Number);
  if (numbers.length !== 2 || numbers.some(Number.isNaN)) return null;
  const [w, s, e, n] = run.bounds, inside = (lon, lat) => lon >= w && lon <= e && lat >= s && lat <= n;
  const [a, b] = numbers;
  if (inside(a, b)) return { lon: a, lat: b };
  if (inside(b, a)) return { lon: b, lat: a };
  return { outside: true };
}
function renderSearch() {
  const list = document.getElementById("searchResults"), status = document.getElementById("searchStatus");
  list.innerHTML = "";
  const text = document.getElementById("search").value.trim();
  if (!text) { status.textContent = ""; return; }
  const point = coordinatesIn(text);
  if (point && point.outside) { status.textContent = t("searchOutside"); return; }
  if (point) {
    status.textContent = "";
    const li = document.createElement("li"), button = document.createElement("button");
    button.type = "button"; button.textContent = t("searchCoordinates")(fmt(point.lon, 5), fmt(point.lat, 5));
    button.addEventListener("click", () => goTo({ point }));
    li.appendChild(button); list.appendChild(li);
    return;
  }
  status.textContent = found.places.length ? t("searchCount")(found.places.length) : t("searchNone");
  for (const place of found.places) {
    const li = document.createElement("li"), button = document.createElement("button");
    button.type = "button"; button.textContent = place.name;
    button.addEventListener("click", () => goTo({ place }));
    li.appendChild(button); list.appendChild(li);
  }
}
async function searchChanged() {
  const text = document.getElementById("search").value.trim();
  found.places = [];
  if (text && !coordinatesIn(text)) {
    const answer = await api(`/api/search?q=${encodeURIComponent(text)}`);
    if (answer.ok) found.places = (await answer.json()).places;
  }
  if (document.getElementById("search").value.trim() === text) renderSearch();
}
function goTo({ place, point }) {
  if (found.hit) map.removeLayer(found.hit);
  if (isPhone()) setPanel(false);
  if (point) {
    map.setView([point.lat, point.lon], Math.max(map.getZoom(), 17));
    found.hit = L.circleMarker([point.lat, point.lon], { radius: 12, className: "search-hit", interactive: false }).addTo(map);
    explain(L.latLng(point.lat, point.lon));
    return;
  }
  const [w, s, e, n] = place.bounds, box = L.latLngBounds([s, w], [n, e]);
  map.fitBounds(box.pad(0.15), { maxZoom: 18 });
  found.hit = L.rectangle(box, { className: "search-hit", interactive: false }).addTo(map);
  document.getElementById("searchStatus").textContent = place.name;
}
function setUpSearch() {
  const box = document.getElementById("searchBox");
  const input = document.getElementById("search");
  input.addEventListener("input", () => { clearTimeout(found.timer); found.timer = setTimeout(searchChanged, 200); });
  box.addEventListener("submit", async ev => {
    ev.preventDefault();
    clearTimeout(found.timer);
    await searchChanged();
    const first = document.querySelector("#searchResults button");
    if (first) first.click();
  });
  if (!run.searchable) document.querySelector("label[for=search]").dataset.i18n = "searchCoordinatesOnly";
}

function setPanel(open) {
  const panel = document.getElementById("panel"), toggle = document.getElementById("panelToggle");
  panel.classList.toggle("open", open);
  toggle.setAttribute("aria-expanded", String(open));
  if (map) map.invalidateSize();
}

const NorthArrow = L.Control.extend({
  options: { position: "topright" },
  onAdd() {
    const box = L.DomUtil.create("div", "north-arrow");
    box.setAttribute("role", "img");
    box.innerHTML = `<svg width="16" height="18" viewBox="0 0 16 18" aria-hidden="true"><path d="M8 0 L15 18 L8 13 L1 18 Z" fill="#1a1a1a"/></svg><br><span class="north-letter">N</span>`;
    return box;
  }
});

function sitePopup(feature) {
  const p = feature.properties;
  let html = `<div class="site"><strong>${t("site")} ${esc(p.id)}</strong> — ${esc(p.commune)}<br>${esc(p.setting)}`;
  html += `<p>${t("anomalyTitle")}:<br>`;
  for (const w of ["day", "night"]) if (p[w]) html += `${t(w)}: ${t("observed")} ${signed(p[w].observed)}, ${t("predicted")} ${signed(p[w].predicted)}<br>`;
  html += `</p><p>${t("sensors")}:</p><ul>`;
  for (const s of p.sensors) {
    const flags = Object.entries(s.flags || {}).map(([k, v]) => `${state.lang === "fr" ? (FLAGS_FR[k] || k) : k.replace(/_/g, " ")} ${v}`).join(", ") || t("none");
    html += `<li>${esc(s.id)}: ${s.keptHours ?? "?"}/${s.expectedHours ?? "?"} ${t("hours")}; ${t("flags")}: ${esc(flags)}${s.rejected ? " — " + t("rejected") : ""}</li>`;
  }
  return html + "</ul></div>";
}

// After a scenario: the cell before and after, term by term, in the window shown (day, or night when ticked).
async function explainScenario(latlng) {
  const popup = L.popup(popupOptions(460)).setLatLng(latlng).setContent("…").openOn(map);
  const query = `lon=${latlng.lng.toFixed(6)}&lat=${latlng.lat.toFixed(6)}`;
  const [b, a] = await Promise.all([api(`/api/point?${query}`), api(`/api/scenario/${encodeURIComponent(sc.result.id)}/point?${query}`)]);
  const before = await b.json(), after = await a.json();
  if (!b.ok || !a.ok) { popup.setContent(`<div class="explain">${esc((b.ok ? after : before).error)}</div>`); return; }
  const w = document.getElementById("scenarioNight").checked ? "night" : "day";
  const label = k => state.lang === "fr" ? (TERMS_FR[k] || k) : before.termLabels[k];
  const value = p => (p.ictu === undefined || p.ictu === null) ? t("buildingShort") : `${fmt(p.ictu)} °C`;
  let html = `<div class="explain scenario-explain">${coordinates(before.longitude, before.latitude)}<p><strong>${esc(t(w))}</strong>: ${t("before")} ${value(before[w])} → ${t("after")} <strong>${value(after[w])}</strong></p>`;
  if (before[w].ictu != null && after[w].ictu != null) {
    html += `<table><thead><tr><th scope="col">${t("term")}</th><th scope="col">${t("before")}</th><th scope="col">${t("after")}</th><th scope="col">${t("change")}</th></tr></thead><tbody>`;
    for (const k of before.termOrder) {
      const x = before[w].terms[k], y = after[w].terms[k];
      html += `<tr class="term"><th scope="row">${esc(label(k))}</th><td>${signed(x)}</td><td>${signed(y)}</td><td><strong>${signed(y - x)}</strong></td></tr>`;
    }
    html += `<tr><th scope="row"><strong>${t("sum")}</strong></th><td>${fmt(before[w].sumOfTerms, 2)}</td><td>${fmt(after[w].sumOfTerms, 2)}</td><td><strong>${signed(after[w].sumOfTerms - before[w].sumOfTerms)}</strong></td></tr></tbody></table><p class="note">°C</p>`;
  }
  popup.setContent(html + "</div>");
}

async function explain(latlng) {
  if (sc.result) return explainScenario(latlng);
  const popup = L.popup(popupOptions(420)).setLatLng(latlng).setContent("…").openOn(map);
  const response = await api(`/api/point?lon=${latlng.lng.toFixed(6)}&lat=${latlng.lat.toFixed(6)}`);
  const e = await response.json();
  if (!response.ok) { popup.setContent(`<div class="explain">${esc(e.error)}</div>`); return; }
  const label = k => state.lang === "fr" ? (TERMS_FR[k] || k) : e.termLabels[k];
  let html = `<div class="explain">${coordinates(e.longitude, e.latitude)}`;
  if (e.day.ictu === undefined || e.day.ictu === null) { popup.setContent(html + `<p>${t("building")}</p></div>`); return; }
  const cls = c => esc(state.lang === "fr" ? (CLASSES_FR[c] || c) : c);
  html += `<p>${t("day")}: <strong class="ictu-day">${fmt(e.day.ictu)} °C</strong> — ${cls(e.day.utciClass)}<br>${t("night")}: <strong>${fmt(e.night.ictu)} °C</strong> — ${cls(e.night.utciClass)}</p>`;
  html += `<table><thead><tr><th scope="col">${t("term")}</th><th scope="col">${t("day")}</th><th scope="col">${t("night")}</th></tr></thead><tbody>`;
  for (const k of e.termOrder) html += `<tr class="term"><th scope="row">${esc(label(k))}</th><td>${signed(e.day.terms[k])} °C</td><td>${signed(e.night.terms[k])} °C</td></tr>`;
  html += `<tr><th scope="row"><strong>${t("sum")}</strong></th><td><strong>${fmt(e.day.sumOfTerms, 2)} °C</strong></td><td><strong>${fmt(e.night.sumOfTerms, 2)} °C</strong></td></tr></tbody></table>`;
  html += `<p class="note">${t("air")} ${fmt(e.day.airTemperature)} / ${fmt(e.night.airTemperature)} °C (${t("anomaly")} ${signed(e.day.airAnomaly)} / ${signed(e.night.airAnomaly)});
    ${t("vapour")} ${fmt(e.day.vapourPressure)} hPa; ${t("tmrt")} ${fmt(e.day.meanRadiantTemperature)} °C; ${t("sunlit")} ${fmt(e.day.sunlitFraction, 2)};
    ${t("uncertainty")} ${fmt(e.uncertainty, 2)} °C</p></div>`;
  popup.setContent(html);
}

const DIAGNOSIS_STYLE = { heat_islands_day: { color: "#67000d", weight: 2, fillColor: "#d7301f", fillOpacity: 0.35 },
  heat_islands_night: { color: "#3f007d", weight: 2, fillColor: "#807dba", fillOpacity: 0.35 },
  cool_islands: { color: "#08306b", weight: 2, fillColor: "#4292c6", fillOpacity: 0.35 } };

function treePopup(p) {
  return `<div class="tree"><strong>${t("tree")} ${esc(p.id)}</strong> — ${esc(p.species || "")}<br>#${p.rank}, ${t("priority")} ${fmt(p.priority)}<br>
    ${t("stress")} ${fmt(p.stress, 2)}; ${t("service")} ${fmt(p.cooling_service_c_m2, 0)} °C·m²; ${t("exposureLabel")} ${fmt(p.exposure, 2)}; ${t("recoverability")} ${fmt(p.recoverability, 2)}<br>
    ${t("need")} ${fmt(p.water_need_l, 0)} L; ${t("inRound")}: ${p.selected === "yes" ? t("yes") : t("no")}<br><em>${esc(treeReason(p))}</em></div>`;
}

function islandPopup(name, p) {
  if (name === "cool_islands") return `<div class="island"><strong>${t("coolIsland")} #${p.id}</strong><br>${t("area")} ${fmt(p.area_m2, 0)} m², ${t("mean")} ${fmt(p.mean_ictu)} °C</div>`;
  const nearest = p.nearest_cool_island_m >= 0 ? `${fmt(p.nearest_cool_island_m, 0)} m` : "—";
  const where = [p.place, p.district].filter(Boolean).map(esc).join(", ");
  return `<div class="island"><strong>${t("heatIsland")} #${p.rank}</strong> (${esc(t(name))})${where ? `<br><strong>${where}</strong>` : ""}<br>${t("area")} ${fmt(p.area_m2, 0)} m²,
    ${t("mean")} ${fmt(p.mean_ictu)} °C, ${t("max")} ${fmt(p.max_ictu)} °C<br>${t("causes")}: ${esc(causesText(p.causes))}<br>${t("nearestCool")}: ${nearest}</div>`;
}

// The watering round for the arborist in the street: the trees selected for this round in a walking order (from
// the first priority, always the nearest tree not yet visited), each ticked "done" in this browser's storage.
const round = { trees: [], layer: null };
async function setUpRound() {
  if (!(run.diagnosis || []).includes("watering")) return;
  const box = document.getElementById("round");
  box.hidden = false;
  box.addEventListener("toggle", async () => {
    if (!box.open || round.trees.length) return;
    const data = await (await api("/api/diagnosis/watering")).json();
    const left = data.features.filter(f => f.properties.selected === "yes").sort((a, b) => a.properties.rank - b.properties.rank);
    const metres = (a, b) => { const [x1, y1] = a.geometry.coordinates, [x2, y2] = b.geometry.coordinates, k = Math.cos(y1 * Math.PI / 180);
                               return Math.hypot((x2 - x1) * k, y2 - y1) * 111320; };
    let walked = 0;
    while (left.length) {
      const last = round.trees[round.trees.length - 1];
      let next = 0;
      if (last) left.forEach((f, i) => { if (metres(last, f) < metres(last, left[next])) next = i; });
      if (last) walked += metres(last, left[next]);
      round.trees.push(left.splice(next, 1)[0]);
    }
    renderRound(walked);
  });
}

function roundKey(id) { return `ictu-round:${run.manifest}:${run.hotDays[0] || ""}:${id}`; }

function renderRound(walked) {
  if (walked !== undefined) round.walked = walked;
  const litres = round.trees.reduce((s, f) => s + (Number(f.properties.water_need_l) || 0), 0);
  document.getElementById("roundInfo").textContent = t("roundInfo")(round.trees.length, fmt(round.walked / 1000, 1), fmt(litres, 0));
  document.getElementById("roundList").innerHTML = round.trees.map((f, i) => {
    const p = f.properties, done = localStorage.getItem(roundKey(p.id)) === "1";
    return `<li class="${done ? "done" : ""}"><span class="round-name"><strong>${esc(t("tree"))} ${esc(p.id)}</strong> ${esc(p.species || "")} — ${fmt(p.water_need_l, 0)} L</span>
      <br><span class="note">${esc(treeReason(p))}</span><br>
      <label><input type="checkbox" data-tree="${esc(p.id)}" ${done ? "checked" : ""}> ${esc(t("watered"))}</label>
      <button type="button" data-show="${i}">${esc(t("show"))}</button></li>`;
  }).join("");
  document.querySelectorAll("#roundList input[data-tree]").forEach(box => box.addEventListener("change", () => {
    localStorage.setItem(roundKey(box.dataset.tree), box.checked ? "1" : "0");
    box.closest("li").classList.toggle("done", box.checked);
  }));
  document.querySelectorAll("#roundList button[data-show]").forEach(button => button.addEventListener("click", () => {
    const f = round.trees[Number(button.dataset.show)], [lon, lat] = f.geometry.coordinates;
    if (isPhone()) setPanel(false);
    map.setView([lat, lon], Math.max(map.getZoom(), 17));
    L.popup(popupOptions(380)).setLatLng([lat, lon]).setContent(treePopup(f.properties)).openOn(map);
  }));
}

async function addDiagnosis() {
  const box = document.getElementById("diagnosis");
  for (const name of run.diagnosis || []) {
    box.hidden = false;
    const label = document.createElement("label");
    label.innerHTML = `<input type="checkbox" id="diag-${name}"> <span data-i18n="${name}">${esc(t(name))}</span>`;
    box.appendChild(label);
    let layer = null;
    label.querySelector("input").addEventListener("change", async ev => {
      if (!ev.target.checked) { if (layer) map.removeLayer(layer); return; }
      if (!layer) {
        const data = await (await api(`/api/diagnosis/${name}`)).json();
        // Clicks on an island open its popup and do not reach the map (whose click explains a cell).
        // Trees are points, coloured by rank (the first tenth dark red), ringed when in the round.
        const count = data.features.length;
        layer = name === "watering"
          ? L.geoJSON(data, { bubblingMouseEvents: false,
              pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 5, weight: f.properties.selected === "yes" ? 3 : 1, color: "#1a1a1a",
                fillOpacity: 0.9, className: "tree-marker", fillColor: f.properties.priority <= 0 ? "#bdbdbd" : f.properties.rank <= count / 10 ? "#a50f15" : f.properties.rank <= count / 3 ? "#fb6a4a" : "#fee5d9" }),
              onEachFeature: (f, l) => l.bindPopup(() => treePopup(f.properties), popupOptions(380)) })
          : L.geoJSON(data, { bubblingMouseEvents: false, style: () => ({ ...DIAGNOSIS_STYLE[name], className: `island-shape ${name}` }),
                                  onEachFeature: (f, l) => l.bindPopup(() => islandPopup(name, f.properties), popupOptions(380)) });
      }
      layer.addTo(map);
      keyboardReachable(layer, f => name === "watering" ? `${t("tree")} ${f.properties.id}, #${f.properties.rank}`
                                    : name === "cool_islands" ? `${t("coolIsland")} #${f.properties.id}` : `${t("heatIsland")} #${f.properties.rank}`);
    });
  }
}

// Scenario: draw (or load) edits, post them, show before / after / difference and the summary.
const KINDS = { park: ["years_after_planting", 30], trees: ["years_after_planting", 30], prune: ["crown_reduction", 0.3], remove_trees: null,
  building: ["height_m", 20], demolish: ["permeable", 1], surface: ["albedo", 0.45], water: null, irrigate: ["stress_after", 0] };
const sc = { drawing: false, corners: [], line: null, pending: [], shapes: null, result: null, variants: [], versus: null, crs: null };

function scenarioKindChanged() {
  const spec = KINDS[document.getElementById("scenarioKind").value];
  const input = document.getElementById("scenarioValue"), label = document.getElementById("scenarioValueLabel");
  input.hidden = label.hidden = !spec;
  if (spec) { label.textContent = t("values")[spec[0]]; input.value = spec[1]; }
}

function scenarioStatus(text, isError = false) {
  const p = document.getElementById("scenarioStatus");
  p.textContent = text; p.classList.toggle("error", isError);
}

function showPending() {
  if (sc.shapes) map.removeLayer(sc.shapes);
  sc.shapes = L.geoJSON({ type: "FeatureCollection", features: sc.pending }, { interactive: false, style: { color: "#111", weight: 2, dashArray: "6 4", fill: false } }).addTo(map);
  document.getElementById("scenarioRun").disabled = sc.pending.length === 0;
  if (sc.pending.length) scenarioStatus(t("ready")(sc.pending.length));
}

function startDrawing() {
  // Drawn corners are longitude/latitude: they cannot join a file's features in another CRS.
  if (sc.crs) { scenarioStatus(t("otherCRS"), true); return; }
  sc.drawing = true; sc.corners = [];
  document.getElementById("scenarioFinish").hidden = false;
  document.getElementById("map").style.cursor = "crosshair";
  document.getElementById("drawTarget").hidden = false;
  scenarioStatus(`${t("drawing")} ${t("drawingKeys")}`);
  if (isPhone()) setPanel(false);
}

function addCorner(latlng) {
  sc.corners.push(latlng);
  if (sc.line) map.removeLayer(sc.line);
  sc.line = L.polyline(sc.corners, { color: "#111", weight: 2, interactive: false }).addTo(map);
}

function finishDrawing() {
  if (sc.corners.length < 3) { scenarioStatus(t("needThree"), true); return; }
  const kind = document.getElementById("scenarioKind").value, spec = KINDS[kind];
  const ring = sc.corners.map(c => [Number(c.lng.toFixed(7)), Number(c.lat.toFixed(7))]);
  ring.push(ring[0]);
  const properties = { id: `drawn-${sc.pending.length + 1}`, kind };
  if (spec) properties[spec[0]] = Number(document.getElementById("scenarioValue").value);
  sc.pending.push({ type: "Feature", properties, geometry: { type: "Polygon", coordinates: [ring] } });
  sc.drawing = false;
  if (sc.line) { map.removeLayer(sc.line); sc.line = null; }
  document.getElementById("scenarioFinish").hidden = true;
  document.getElementById("map").style.cursor = "";
  document.getElementById("drawTarget").hidden = true;
  showPending();
}

async function loadScenarioFile(file) {
  try {
    const data = JSON.parse(await file.text());
    if (data.type !== "FeatureCollection" || !Array.isArray(data.features)) throw new Error(t("notGeoJSON"));
    sc.pending = data.features;
    // Its CRS (a QGIS export in Lambert-93 says so) goes with it to the server; its name, to the variant's.
    sc.crs = data.crs || null;
    const name = document.getElementById("scenarioName");
    if (typeof data.name === "string" && !name.value) name.value = data.name;
    if (!sc.crs) showPending();
    else { document.getElementById("scenarioRun").disabled = false; scenarioStatus(t("ready")(sc.pending.length)); }
  } catch (err) { scenarioStatus(`${file.name}: ${err.message}`, true); }
}

function scenarioLayerName() {
  const view = document.querySelector("input[name=scenarioView]:checked").value, night = document.getElementById("scenarioNight").checked;
  if (view === "before") return night ? "night" : "day";
  return view + (night ? "-night" : "");
}

function showScenarioView() {
  if (!sc.result) return;
  const view = document.querySelector("input[name=scenarioView]:checked").value, night = document.getElementById("scenarioNight").checked;
  const other = sc.variants.find(v => v.id === sc.versus && v.id !== sc.result.id);
  // Comparing two variants shows their "after" maps: the before / after / difference choice waits meanwhile.
  document.querySelectorAll("input[name=scenarioView]").forEach(r => { r.disabled = !!other; });
  if (other) {
    // Two variants side by side: this one's "after" on the left of the divider, the other's on the right.
    const name = "after" + (night ? "-night" : "");
    const mine = sc.result.layers.find(l => l.name === name), theirs = other.layers.find(l => l.name === name);
    if (mine) { showTiles({ url: mine.tiles }); renderLegend(mine); }
    if (theirs) showCompare({ url: theirs.tiles, left: sc.result.name, right: other.name });
    renderComparison(sc.result, other);
    return;
  }
  renderSummary(sc.result.summary);
  if (view === "swipe") {
    const after = sc.result.layers.find(l => l.name === "after" + (night ? "-night" : ""));
    setLayer(night ? "night" : "day");
    if (after) showCompare({ url: after.tiles, left: t("before"), right: t("after") });
    return;
  }
  compareChanged();
  const name = scenarioLayerName();
  const layer = sc.result.layers.find(l => l.name === name);
  if (layer) { showTiles({ url: layer.tiles }); renderLegend(layer); }
  else setLayer(name);
}

function renderSummary(s) {
  const row = (label, v, pct, digits = 1) => v ? `<tr><th scope="row">${esc(label)}</th><td>${pct ? fmt(100 * v.before, digits) + " %" : fmt(v.before, 0) + " m"}</td><td>${pct ? fmt(100 * v.after, digits) + " %" : fmt(v.after, 0) + " m"}</td></tr>` : "";
  let html = `<table><thead><tr><th scope="col">${t("zone")}</th><th scope="col">${t("dayChange")}</th><th scope="col">${t("nightChange")}</th></tr></thead><tbody>`;
  for (const z of s.zones) html += `<tr class="zone"><th scope="row">${esc(state.lang === "fr" ? (ZONES_FR[z.zone] || z.zone) : z.zone)}</th><td>${signed(z.dayMeanChange)} °C</td><td>${signed(z.nightMeanChange)} °C</td></tr>`;
  html += `</tbody></table><table><thead><tr><th></th><th scope="col">${t("before")}</th><th scope="col">${t("after")}</th></tr></thead><tbody>`;
  html += row(t("strong"), s.strongOrWorseShare, true) + row(t("veryStrong"), s.veryStrongOrWorseShare, true) + row(t("coolAccess"), s.coolIslandAccessShare, true) + row(t("shadedSidewalk"), s.shadedSidewalkMetres, false);
  document.getElementById("scenarioSummary").innerHTML = html + "</tbody></table>" + summaryNote(s);
}

// Said under a summary whose city-wide and 15 h figures are still coming (or could not be computed).
function summaryNote(s) {
  if (s.pending) return `<p class="note pending">${t("summaryPending")}</p>`;
  if (s.failure) return `<p class="note error">${t("summaryFailed")} ${esc(s.failure)}</p>`;
  return "";
}

// The server answers with the difference and the zones first, and completes the summary after: it is fetched again
// until complete, then shown wherever the variant is.
async function awaitSummary(id) {
  for (let attempt = 0; attempt < 600; attempt++) {
    await new Promise(resolve => setTimeout(resolve, 250));
    const response = await api(`/api/scenario/${encodeURIComponent(id)}`);
    if (!response.ok) return;
    const answer = await response.json();
    if (answer.summary.pending) continue;
    const k = sc.variants.findIndex(v => v.id === id);
    if (k >= 0) sc.variants[k] = answer;
    if (sc.result && sc.result.id === id) sc.result = answer;
    if (sc.result && (sc.result.id === id || sc.versus === id)) showScenarioView();
    return;
  }
}

// Two variants side by side: each one's change in its zones (its edits, 0–100 m and 100–300 m around them), day
// and night; then the public space per UTCI class, the 300 m cool-island access and the shaded sidewalk, before →
// after. Each variant's figures are over its own study area (its edits and what they reach), as its summary says.
function renderComparison(a, b) {
  const share = v => fmt(100 * v, 0), metres = v => fmt(v, 0);
  let html = `<table class="comparison"><thead><tr><th></th><th scope="col">${esc(a.name)}</th><th scope="col">${esc(b.name)}</th></tr></thead><tbody>`;
  for (const z of a.summary.zones) {
    const w = b.summary.zones.find(x => x.zone === z.zone) || {};
    const zone = esc(state.lang === "fr" ? (ZONES_FR[z.zone] || z.zone) : z.zone);
    html += `<tr class="zone"><th scope="row">${zone}, ${t("dayChange")}</th><td>${signed(z.dayMeanChange)} °C</td><td>${signed(w.dayMeanChange)} °C</td></tr>`;
    html += `<tr class="zone"><th scope="row">${zone}, ${t("nightChange")}</th><td>${signed(z.nightMeanChange)} °C</td><td>${signed(w.nightMeanChange)} °C</td></tr>`;
  }
  const row = (label, key, format, unit) => {
    const x = a.summary[key], y = b.summary[key];
    return x && y ? `<tr><th scope="row">${esc(label)}</th><td>${format(x.before)} → ${format(x.after)} ${unit}</td><td>${format(y.before)} → ${format(y.after)} ${unit}</td></tr>` : "";
  };
  html += row(t("strong"), "strongOrWorseShare", share, "%") + row(t("veryStrong"), "veryStrongOrWorseShare", share, "%")
    + row(t("coolAccess"), "coolIslandAccessShare", share, "%") + row(t("shadedSidewalk"), "shadedSidewalkMetres", metres, "m");
  document.getElementById("scenarioSummary").innerHTML = html + `</tbody></table><p class="note">${t("ownStudyArea")}</p>` + summaryNote(a.summary) + summaryNote(b.summary);
}

function renderVariants() {
  const box = document.getElementById("variants"), list = document.getElementById("variantList"), versus = document.getElementById("variantCompare");
  box.hidden = sc.variants.length === 0;
  list.innerHTML = "";
  for (const v of sc.variants) {
    const item = document.createElement("li");
    item.innerHTML = `<label><input type="radio" name="variantShown" value="${esc(v.id)}"${sc.result && sc.result.id === v.id ? " checked" : ""}> <span>${esc(v.name)}</span></label>
      <a href="${esc(v.geojson)}" download title="${esc(t("downloadTitle"))}">${t("download")}</a>
      <button type="button" class="remove" data-id="${esc(v.id)}" aria-label="${esc(t("remove"))} ${esc(v.name)}" title="${esc(t("remove"))} ${esc(v.name)}">×</button>`;
    item.querySelector("input").addEventListener("change", () => { sc.versus = sc.versus === v.id ? null : sc.versus; showScenario(v); });
    item.querySelector("button").addEventListener("click", () => removeVariant(v.id));
    list.appendChild(item);
  }
  versus.innerHTML = `<option value="">${t("noCompare")}</option>` + sc.variants.filter(v => !sc.result || v.id !== sc.result.id)
    .map(v => `<option value="${esc(v.id)}"${v.id === sc.versus ? " selected" : ""}>${esc(v.name)}</option>`).join("");
  if (!sc.variants.some(v => v.id === sc.versus)) sc.versus = null;
}

async function removeVariant(id) {
  const response = await api(`/api/scenario/${encodeURIComponent(id)}`, { method: "DELETE" });
  if (!response.ok && response.status !== 404) { scenarioStatus((await response.json()).error, true); return; }
  sc.variants = sc.variants.filter(v => v.id !== id);
  if (sc.versus === id) sc.versus = null;
  if (sc.result && sc.result.id === id) {
    const last = sc.variants[sc.variants.length - 1];
    if (last) showScenario(last); else clearScenario();
  } else { renderVariants(); showScenarioView(); saveView(); }
}

function showScenario(answer) {
  sc.result = answer;
  if (!sc.variants.some(v => v.id === answer.id)) sc.variants.push(answer);
  if (answer.summary.pending) awaitSummary(answer.id);
  document.getElementById("scenarioView").hidden = false;
  renderVariants();
  showScenarioView();
  saveView();
}

// A shared view's scenario (#scenario=ID&view=…&night=1), while the server still holds it.
async function restoreScenario() {
  const held = await api("/api/scenarios");
  if (held.ok) {
    sc.variants = (await held.json()).variants;
    renderVariants();
    sc.variants.filter(v => v.summary.pending).forEach(v => awaitSummary(v.id));
  }
  const id = params.get("scenario");
  if (!id) return;
  sc.versus = params.get("versus");
  const response = await api(`/api/scenario/${encodeURIComponent(id)}`);
  const answer = await response.json();
  if (!response.ok) { scenarioStatus(answer.error, true); return; }
  const view = document.querySelector(`input[name=scenarioView][value="${CSS.escape(params.get("view") || "delta")}"]`);
  if (view) view.checked = true;
  document.getElementById("scenarioNight").checked = params.get("night") === "1";
  showScenario(answer);
}

async function runScenario() {
  const button = document.getElementById("scenarioRun");
  button.disabled = true;
  scenarioStatus(t("computing"));
  try {
    const name = document.getElementById("scenarioName").value.trim();
    const response = await api("/api/scenario" + (name ? `?name=${encodeURIComponent(name)}` : ""), { method: "POST", headers: { "Content-Type": "application/geo+json" },
                                                     body: JSON.stringify(Object.assign({ type: "FeatureCollection", features: sc.pending }, sc.crs ? { crs: sc.crs } : {})) });
    const answer = await response.json();
    if (!response.ok) { scenarioStatus(answer.error, true); return; }
    document.getElementById("scenarioName").value = "";
    showScenario(answer);
    scenarioStatus(t("done")(fmt(answer.summary.seconds, 1)));
  } catch (err) { scenarioStatus(String(err), true); }
  finally { button.disabled = sc.pending.length === 0; }
}

// Clears the drawing and the view; the variants stay held (each has its × to remove it).
function clearScenario() {
  sc.pending = []; sc.corners = []; sc.drawing = false; sc.result = null; sc.versus = null; sc.crs = null;
  renderVariants();
  if (sc.line) { map.removeLayer(sc.line); sc.line = null; }
  if (sc.shapes) { map.removeLayer(sc.shapes); sc.shapes = null; }
  document.getElementById("scenarioView").hidden = true;
  document.getElementById("scenarioSummary").innerHTML = "";
  document.getElementById("scenarioFinish").hidden = true;
  document.getElementById("scenarioRun").disabled = true;
  document.getElementById("scenarioFile").value = "";
  scenarioStatus("");
  setLayer(state.layer);
  compareChanged();
  saveView();
}

function setUpScenario() {
  const kinds = document.getElementById("scenarioKind");
  for (const k of Object.keys(KINDS)) { const o = document.createElement("option"); o.value = k; kinds.appendChild(o); }
  kinds.addEventListener("change", scenarioKindChanged);
  document.getElementById("scenarioDraw").addEventListener("click", startDrawing);
  document.getElementById("scenarioFinish").addEventListener("click", finishDrawing);
  document.getElementById("scenarioFile").addEventListener("change", ev => { if (ev.target.files[0]) loadScenarioFile(ev.target.files[0]); });
  document.getElementById("scenarioRun").addEventListener("click", runScenario);
  document.getElementById("scenarioClear").addEventListener("click", clearScenario);
  document.getElementById("scenarioName").placeholder = t("variantNamePlaceholder");
  document.getElementById("variantCompare").addEventListener("change", ev => { sc.versus = ev.target.value || null; showScenarioView(); saveView(); });
  document.querySelectorAll("input[name=scenarioView], #scenarioNight").forEach(e => e.addEventListener("change", () => { showScenarioView(); saveView(); }));
}

async function start() {
  run = await (await api("/api/run")).json();
  if (run.calibration.note) {
    const warning = document.getElementById("calibrationWarning");
    warning.textContent = `${t(run.calibration.calibrated ? "partlyCalibrated" : "notCalibrated")} ${run.calibration.note}`;
    warning.hidden = false;
  }
  if (run.warnings.length) {
    const inputs = document.getElementById("inputWarnings");
    inputs.textContent = `${t("inputWarnings")} ${run.warnings.join(" · ")}`;
    inputs.hidden = false;
  }
  const select = document.getElementById("layer");
  for (const layer of run.layers) { const o = document.createElement("option"); o.value = layer.name; select.appendChild(o); }
  const [w, s, e, n] = run.bounds;
  const bounds = L.latLngBounds([s, w], [n, e]);
  map = L.map("map", { keyboard: true, maxZoom: run.maxzoom + 3, minZoom: Math.max(0, run.minzoom - 3) });
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
  new NorthArrow().addTo(map);
  const target = document.createElement("div");
  target.id = "drawTarget"; target.hidden = true;
  document.getElementById("map").appendChild(target);
  map.getContainer().addEventListener("keydown", ev => {
    if (sc.drawing && ev.key === "Enter" && ev.target === map.getContainer()) { ev.preventDefault(); addCorner(map.getCenter()); }
  });
  document.getElementById("panelToggle").addEventListener("click", () => setPanel(!document.getElementById("panel").classList.contains("open")));
  document.getElementById("print").addEventListener("click", () => window.print());
  document.getElementById("exportPng").addEventListener("click", downloadView);
  window.addEventListener("beforeprint", () => {
    const layer = run.layers.find(l => l.name === state.layer);
    document.getElementById("printInfo").textContent = `${layer ? layerTitle(layer) : ""} — ${run.cityName || ""} — ${t("printed")} ${new Date().toLocaleString(state.lang === "fr" ? "fr-FR" : "en-GB")} — ${document.getElementById("runInfo").textContent}`;
    map.invalidateSize();
  });
  window.addEventListener("afterprint", () => map.invalidateSize());
  if (params.has("z") && params.has("lat") && params.has("lon")) map.setView([Number(params.get("lat")), Number(params.get("lon"))], Number(params.get("z")));
  else map.fitBounds(bounds);
  // The city's own basemap when the server has one (offline, shown at once); else OpenStreetMap's, online, on demand.
  osm = run.basemap
    ? L.tileLayer(run.basemap.tiles, { minZoom: Math.max(0, run.basemap.minzoom - 2), minNativeZoom: run.basemap.minzoom, maxNativeZoom: run.basemap.maxzoom, maxZoom: run.maxzoom + 3, attribution: esc(run.basemap.attribution || run.basemap.name) })
    : L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", { maxZoom: 19, attribution: "© OpenStreetMap contributors" });
  map.createPane("compare").style.zIndex = 450;
  map.createPane("outlines").style.zIndex = 455;
  map.getPane("outlines").style.pointerEvents = "none";
  document.getElementById("outlines").addEventListener("change", refreshOutlines);
  map.on("moveend", refreshOutlines);
  const compare = document.getElementById("compare");
  for (const layer of run.layers) { const o = document.createElement("option"); o.value = layer.name; compare.appendChild(o); }
  compare.addEventListener("change", compareChanged);
  map.on("move zoomend resize", clipPanes);
  cmp.position = Math.min(100, Math.max(0, Number(params.get("swipe") || 50)));
  setLayer(state.layer);
  if (state.compare && run.layers.some(l => l.name === state.compare)) { compare.value = state.compare; compareChanged(); }
  const opacity = document.getElementById("opacity");
  opacity.value = state.opacity;
  document.getElementById("opacityValue").textContent = `${state.opacity} %`;
  opacity.addEventListener("input", () => {
    state.opacity = Number(opacity.value);
    overlay.setOpacity(state.opacity / 100);
    if (cmp.layer) cmp.layer.setOpacity(state.opacity / 100);
    document.getElementById("opacityValue").textContent = `${state.opacity} %`;
    saveView();
  });
  select.addEventListener("change", () => setLayer(select.value));
  const basemap = document.getElementById("basemap");
  if (run.basemap) {
    basemap.nextElementSibling.dataset.i18n = "basemapCity";
    basemap.checked = true;
    osm.addTo(map).bringToBack();
  } else if (!navigator.onLine) { basemap.disabled = true; basemap.parentElement.title = t("offline"); }
  basemap.addEventListener("change", () => { if (basemap.checked) osm.addTo(map).bringToBack(); else map.removeLayer(osm); });
  document.getElementById("lang").addEventListener("click", () => { state.lang = state.lang === "fr" ? "en" : "fr"; applyLanguage(); });
  document.getElementById("explainCentre").addEventListener("click", () => { if (isPhone()) setPanel(false); explain(map.getCenter()); });
  map.on("click", ev => { if (sc.drawing) addCorner(ev.latlng); else explain(ev.latlng); });
  setUpScenario();
  setUpSearch();
  map.on("moveend", saveView);
  const sites = await (await api("/api/sites")).json();
  L.geoJSON(sites, {
    pointToLayer: (f, latlng) => L.marker(latlng, { icon: L.divIcon({ className: "site-icon", iconSize: [14, 14] }), title: `${f.properties.id} (${f.properties.commune})`, alt: f.properties.id, keyboard: true }),
    onEachFeature: (f, marker) => marker.bindPopup(() => sitePopup(f), popupOptions(380))
  }).addTo(map);
  await addDiagnosis();
  await setUpRound();
  await restoreScenario();
  applyLanguage();
  window.ictuReady = true;
}
start().catch(err => { document.getElementById("runInfo").textContent = String(err); throw err; });
</script>
</body>
</html>
"""#
}
