import Engine
import Foundation
import Hummingbird
import Model
import Scenario
import Support
import Tiles

/// `ictu serve`: the viewer and its HTTP API, on 127.0.0.1 unless told otherwise (see README, "HTTP API"). Every error is JSON
/// `{"error": "..."}` with a 4xx status; the server keeps serving whatever it is sent.
public enum ViewerServer {
    /// Largest URL accepted (longer: 414), largest request body (bigger: 413). The API only reads URLs.
    static let maxURLBytes = 2048
    static let maxBodyBytes = 16 << 10
    static let leafletFolder = "/usr/share/javascript/leaflet"

    /// A connection that sends nothing complete for this long is closed: an idle keep-alive connection, or a slow
    /// client trickling a request's head ("slowloris") so as to hold sockets. Requests themselves are bounded in
    /// size (above) and answered from memory or the run's COGs, so none takes long.
    public static let defaultIdleTimeout: Duration = .seconds(30)

    /// Serves until SIGINT/SIGTERM. `onRunning` gets the bound port (useful with port 0).
    public static func serve(service: RunService, host: String = "127.0.0.1", port: Int, idleTimeout: Duration = defaultIdleTimeout,
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(service: service, host: host, port: port, idleTimeout: idleTimeout, onRunning: onRunning).runService()
    }

    /// Whether `host` is this machine only (the default): anything else exposes the run to the network.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public static func application(service: RunService, host: String = "127.0.0.1", port: Int, idleTimeout: Duration = defaultIdleTimeout,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: RequestLimits())
        router.add(middleware: ExportedFiles(folder: service.map.folder.path(.tiles)))
        router.get("/") { _, _ in html(ViewerPage.html) }
        router.get("/index.html") { _, _ in html(ViewerPage.html) }
        router.get("/pmtiles.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: PMTilesScript.javascript)))
        }
        router.get("/leaflet/{file}") { _, context in try leaflet(context.parameters.get("file") ?? "") }
        router.get("/leaflet/images/{file}") { _, context in try leaflet("images/" + (context.parameters.get("file") ?? "")) }
        router.get("/api/run") { _, _ in try json(service.runDocument()) }
        router.get("/api/sites") { _, _ in try json(service.sitesDocument()) }
        router.get("/api/layers") { _, _ in try json(service.map.layers.map(LayerDocument.init)) }
        router.get("/api/point") { request, _ in try await offPool { try point(request, service: service) } }
        router.get("/api/buildings") { request, _ in try await offPool { try buildings(request, service: service) } }
        router.get("/basemap/{z}/{x}/{y}") { _, context in
            guard let basemap = service.basemap else { return error(.notFound, "no basemap: start the server with --basemap FILE.mbtiles (or .pmtiles), or name one in the manifest (basemap:)") }
            guard let z = Int(context.parameters.get("z") ?? ""), let x = Int(context.parameters.get("x") ?? ""), let y = Int(context.parameters.get("y") ?? "") else {
                return error(.badRequest, "give /basemap/Z/X/Y with whole numbers")
            }
            // Where the city's file has no tile, a transparent one: the viewer shows nothing there, without an error.
            guard let tile = try await offPool({ try basemap.tile(z: z, x: x, y: y) }) else {
                return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "max-age=3600"], body: .init(byteBuffer: ByteBuffer(bytes: service.emptyTile)))
            }
            return Response(status: .ok, headers: [.contentType: basemap.contentType, .cacheControl: "max-age=3600"], body: .init(byteBuffer: ByteBuffer(bytes: tile)))
        }
        router.get("/api/search") { request, _ in try await offPool { try search(request, service: service) } }
        router.get("/api/scenario/{id}/point") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await offPool { try point(request, service: service, scenario: id) }
        }
        router.get("/api/diagnosis/{name}") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard let data = try await offPool({ service.diagnosis(name) }) else {
                return error(.notFound, "no diagnosis layer \"\(name.prefix(80))\" (run `ictu diagnose` or `ictu watering` first; layers: \(RunService.diagnosisLayers.joined(separator: ", ")))")
            }
            return Response(status: .ok, headers: [.contentType: "application/geo+json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/tilejson/{layer}.json") { request, context in
            let name = context.parameters.get("layer") ?? ""
            guard let layer = service.map.layer(name) else { return error(.notFound, unknownLayer(name, service)) }
            let host = request.head.authority ?? "127.0.0.1:\(port)"
            return try json(service.map.tileJSON(layer, tilesURL: "http://\(host)/tiles/\(layer.name)/{z}/{x}/{y}.png"))
        }
        router.get("/tiles/{layer}/{z}/{x}/{y}.png") { _, context in
            try await offPool { try tile(context.parameters, service: service) }
        }
        router.post("/api/scenario") { request, _ in try await postScenario(request, service: service) }
        router.get("/api/scenario/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let summary = service.scenarios.summary(id) else { return error(.notFound, unheldScenario(id)) }
            return try json(scenarioDocument(id, summary, service: service))
        }
        router.get("/api/scenarios") { _, _ in
            try json(VariantsDocument(variants: service.scenarios.variants().map { scenarioDocument($0.id, $0.summary, service: service) },
                                      maxVariants: ScenarioService.maxVariants))
        }
        router.delete("/api/scenario/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard service.scenarios.remove(id) else { return error(.notFound, unheldScenario(id)) }
            return Response(status: .noContent)
        }
        router.get("/api/scenario/{id}/geojson") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let data = service.scenarios.geojson(id), let name = service.scenarios.name(id) else { return error(.notFound, unheldScenario(id)) }
            // The variant's name as the file's, kept to letters, digits, - and _ (a header value).
            let file = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(60))
            return Response(status: .ok, headers: [.contentType: "application/geo+json", .contentDisposition: "attachment; filename=\"\(file.isEmpty ? id : file).geojson\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/scenario/{id}/tiles/{layer}/{z}/{x}/{y}.png") { _, context in
            try await offPool { try scenarioTile(context.parameters, service: service) }
        }
        // Anything else: a JSON 404 (not the framework's empty one).
        router.get("**") { request, _ in error(.notFound, "no such resource: \(request.uri.path) (see the README's HTTP API)") }
        let (seconds, attoseconds) = idleTimeout.components
        return Application(responder: HeadAsGet(base: router.buildResponder()), server: ClosingHTTP10Channel.builder(.init(idleTimeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))),
                           configuration: .init(address: .hostname(host, port: port), serverName: "ictu"),
                           onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) })
    }

    // MARK: - Handlers

    static func tile(_ parameters: Parameters, service: RunService) throws -> Response {
        let name = parameters.get("layer") ?? ""
        guard let layer = service.map.layer(name) else { return error(.notFound, unknownLayer(name, service)) }
        switch tileCoordinates(parameters) {
        case .failure(let refusal): return refusal.response
        case .success(let tile): return png(try service.tile(layer, tile), maxAge: 3600)
        }
    }

    static func scenarioTile(_ parameters: Parameters, service: RunService) throws -> Response {
        let id = parameters.get("id") ?? "", name = parameters.get("layer") ?? ""
        guard let layer = (service.scenarios.layers(id) ?? TileLayer.scenarioLayers).first(where: { $0.name == name }) else {
            return error(.notFound, "no scenario layer \"\(name.prefix(80))\"; layers: \(TileLayer.scenarioLayers.map(\.name).joined(separator: ", "))")
        }
        switch tileCoordinates(parameters) {
        case .failure(let refusal): return refusal.response
        case .success(let tile):
            guard let data = try service.scenarioTile(id, layer, tile) else { return error(.notFound, unheldScenario(id)) }
            return png(data, maxAge: 0)
        }
    }

    struct Refusal: Error { var response: Response }

    /// z/x/y of a tile URL, or the 400 that says what is wrong with them.
    static func tileCoordinates(_ parameters: Parameters) -> Result<WebMercator.Tile, Refusal> {
        guard let z = Int(parameters.get("z") ?? ""), let x = Int(parameters.get("x") ?? ""), let y = Int(parameters.get("y") ?? "") else {
            return .failure(Refusal(response: error(.badRequest, "tile coordinates must be whole numbers: …/{z}/{x}/{y}.png")))
        }
        guard (0...24).contains(z) else { return .failure(Refusal(response: error(.badRequest, "zoom \(z) is out of range 0–24"))) }
        let tile = WebMercator.Tile(z: z, x: x, y: y)
        guard tile.isValid else { return .failure(Refusal(response: error(.badRequest, "tile \(z)/\(x)/\(y) does not exist: x and y run from 0 to \((1 << z) - 1) at zoom \(z)"))) }
        return .success(tile)
    }

    /// POST /api/scenario: a scenario GeoJSON (≤ 1 MiB) simulated on the served run; its id, summary and tile layers.
    static func postScenario(_ request: Request, service: RunService) async throws -> Response {
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: ScenarioService.maxBodyBytes) }
        catch { return ViewerServer.error(.contentTooLarge, tr("scenarios are limited to {} bytes", ScenarioService.maxBodyBytes)) }
        let data = Data(buffer: body)
        guard !data.isEmpty else { return error(.badRequest, tr("send the scenario (a GeoJSON FeatureCollection) as the request body")) }
        do {
            let name = request.uri.queryParameters["name"].map(String.init)
            let (id, summary) = try await offPool { try service.scenarios.simulate(data, name: name) }
            return try json(scenarioDocument(id, summary, service: service))
        } catch ScenarioService.Failure.busy {
            return error(.serviceUnavailable, tr("a scenario is being computed; send this one when it is done"))
        } catch ScenarioService.Failure.full(let names) {
            return error(.conflict, tr("{} variants are held ({}): remove one before running another (× beside it in the viewer, or DELETE /api/scenario/ID)",
                                       ScenarioService.maxVariants, names.joined(separator: ", ")))
        } catch ScenarioService.Failure.badScenario(let message) {
            return error(.badRequest, message)
        }
    }

    /// The city's building outlines in a WGS 84 box (`bbox=west,south,east,north`, at most 0.05° a side): the
    /// viewer's offline "where am I" layer, drawn from the run's own city.
    static func buildings(_ request: Request, service: RunService) throws -> Response {
        let q = request.uri.queryParameters
        for (key, _) in q where String(key) != "bbox" {
            return error(.badRequest, "unknown parameter '\(String(key).prefix(40))': " + Spelling.hint(for: String(key), among: ["bbox"]))
        }
        let numbers = (q["bbox"].map(String.init) ?? "").split(separator: ",").compactMap { Double($0) }
        guard numbers.count == 4, numbers[0] < numbers[2], numbers[1] < numbers[3], (-180...180).contains(numbers[0]), (-180...180).contains(numbers[2]),
              (-90...90).contains(numbers[1]), (-90...90).contains(numbers[3]) else {
            return error(.badRequest, "give bbox=west,south,east,north in degrees: /api/buildings?bbox=-0.57,44.82,-0.56,44.83")
        }
        guard numbers[2] - numbers[0] <= 0.05, numbers[3] - numbers[1] <= 0.05 else {
            return error(.badRequest, "bbox is at most 0.05° a side (zoom in to see the buildings)")
        }
        guard let found = try service.buildings(west: numbers[0], south: numbers[1], east: numbers[2], north: numbers[3], limit: 20_000) else {
            return error(.notFound, "the run's city has no building footprints (vectors.buildings in its manifest), or it cannot be found (serve --city)")
        }
        let features = found.geometries.map { #"{"type":"Feature","properties":{},"geometry":"# + $0 + "}" }.joined(separator: ",")
        let body = #"{"type":"FeatureCollection","truncated":"# + (found.truncated ? "true" : "false") + #","features":["# + features + "]}"
        return Response(status: .ok, headers: [.contentType: "application/geo+json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func search(_ request: Request, service: RunService) throws -> Response {
        let q = request.uri.queryParameters
        for (key, _) in q where String(key) != "q" {
            return error(.badRequest, "unknown parameter '\(String(key).prefix(40))': " + Spelling.hint(for: String(key), among: ["q"]))
        }
        let text = String((q["q"].map(String.init) ?? "").prefix(200))
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return error(.badRequest, tr("give the words to look for: /api/search?q=montesquieu")) }
        guard !(try service.places()).isEmpty else {
            return error(.notFound, tr("the run's city has no names to search (vectors.streets or vectors.districts in its manifest), or it cannot be found (serve --city)"))
        }
        return try json(SearchDocument(query: text, places: try service.search(text)))
    }

    /// A held scenario: its id, summary and tile layers (the answer to its POST, and to GET /api/scenario/{id}).
    static func scenarioDocument(_ id: String, _ summary: ScenarioSummary, service: RunService) -> ScenarioDocument {
        ScenarioDocument(id: id, name: service.scenarios.name(id) ?? id, summary: summary,
                         layers: (service.scenarios.layers(id) ?? TileLayer.scenarioLayers).map { LayerDocument($0, tiles: "/scenario/\(id)/tiles/\($0.name)/{z}/{x}/{y}.png") },
                         geojson: "/api/scenario/\(id)/geojson")
    }

    static func unheldScenario(_ id: String) -> String { tr("no scenario \"{}\": it was removed, or the server restarted since; post it again", id.prefix(40)) }

    /// GDAL reads, PNG encoding and simulations are blocking work: they run on a queue of their own, never on the
    /// server's event loops or Swift's cooperative pool, which stay free to accept and answer.
    static let work = DispatchQueue(label: "ictu.server.work", attributes: .concurrent)

    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let language = Language.current
        return try await withCheckedThrowingContinuation { continuation in
            work.async { continuation.resume(with: Result { try Language.$scoped.withValue(language) { try body() } }) }
        }
    }

    static func png(_ data: Data, maxAge: Int) -> Response {
        Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: maxAge > 0 ? "public, max-age=\(maxAge)" : "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `/api/point`, or with `scenario` `/api/scenario/{id}/point`: the scenario's explanation at the point.
    static func point(_ request: Request, service: RunService, scenario: String? = nil) throws -> Response {
        let q = request.uri.queryParameters
        for (key, _) in q where !["lon", "lat"].contains(String(key)) {
            return error(.badRequest, "unknown parameter '\(String(key).prefix(40))': " + Spelling.hint(for: String(key), among: ["lon", "lat"]))
        }
        guard let lonText = q["lon"], let latText = q["lat"], let lon = Double(lonText), let lat = Double(latText),
              (-180...180).contains(lon), (-90...90).contains(lat) else {
            return error(.badRequest, tr("give lon and lat in degrees: /api/point?lon=-0.56&lat=44.83"))
        }
        let explanation: Explanation
        do {
            if let scenario {
                guard let e = try service.explain(scenario: scenario, longitude: lon, latitude: lat) else {
                    return error(.notFound, unheldScenario(scenario))
                }
                explanation = e
            } else {
                explanation = try service.explain(longitude: lon, latitude: lat)
            }
        } catch let e as OutputError { return error(.notFound, e.description) }
        return try json(PointDocument(explanation: explanation))
    }

    /// Leaflet from Debian's libjs-leaflet: only its own files, named exactly (no path is ever built from the request).
    static func leaflet(_ file: String) throws -> Response {
        let allowed: [String: String] = ["leaflet.js": "text/javascript", "leaflet.css": "text/css",
                                         "images/layers.png": "image/png", "images/layers-2x.png": "image/png",
                                         "images/marker-icon.png": "image/png", "images/marker-icon-2x.png": "image/png",
                                         "images/marker-shadow.png": "image/png"]
        guard let type = allowed[file] else { return error(.notFound, "no such Leaflet file: \(file)") }
        guard let data = FileManager.default.contents(atPath: leafletFolder + "/" + file) else {
            return error(.notFound, "Leaflet is not installed (\(leafletFolder)/\(file)): apt-get install libjs-leaflet")
        }
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=86400"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func unknownLayer(_ name: String, _ service: RunService) -> String {
        "no layer \"\(name.prefix(80))\"; layers: \(service.map.layers.map(\.name).joined(separator: ", "))"
    }

    // MARK: - Responses

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json<T: Encodable>(_ value: T) throws -> Response {
        let data = try JSONCoding.compactEncoder.encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let data = (try? JSONCoding.compactEncoder.encode(ErrorDocument(error: message, status: status.code))) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Refuses oversized requests before any handler runs, and turns every thrown error into a JSON 500.
/// The run's exported tiles (`ictu tiles`) under /export/, as a static server has them: byte ranges, ETag and
/// Last-Modified (Hummingbird's FileMiddleware) — PMTiles archives read by range, XYZ folders, TileJSON, MBTiles.
/// Other paths never reach the file middleware.
struct ExportedFiles<Context: RequestContext>: RouterMiddleware {
    static var urlBasePath: String { "/export" }
    let folder: String
    let files: FileMiddleware<Context, LocalFileSystem>

    init(folder: String) {
        self.folder = folder
        files = FileMiddleware(folder, urlBasePath: Self.urlBasePath, cacheControl: .init([(MediaType(type: .any), [.noCache])]))
            .withServeOnNotFoundResponse()
            .withAdditionalMediaType(MediaType(type: .application, subType: "vnd.pmtiles"), mappedToFileExtension: "pmtiles")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix(Self.urlBasePath + "/") else { return try await next(request, context) }
        if let refusal = unsatisfiable(request) { return refusal }
        return try await files.handle(request, context: context, next: next)
    }

    /// A range that starts past the file's end is answered 416 with the file's size (RFC 9110 §15.5.17);
    /// FileMiddleware would send a 206 with no body.
    func unsatisfiable(_ request: Request) -> Response? {
        let urlBasePath = Self.urlBasePath
        guard let range = request.headers[.range],
              let start = range.split(separator: "=").last?.split(separator: "-", omittingEmptySubsequences: false).first.flatMap({ Int($0) }),
              let relative = request.uri.path.dropFirst(urlBasePath.count).removingPercentEncoding, !relative.contains(".."),
              let size = (try? FileManager.default.attributesOfItem(atPath: folder + relative))?[.size] as? Int, start >= size
        else { return nil }
        var response = ViewerServer.error(.rangeNotSatisfiable, "the range \(range) starts past the file's end (\(size) bytes)")
        response.headers[.contentRange] = "bytes */\(size)"
        return response
    }
}

struct RequestLimits<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The answer's messages in the language the viewer asks for (its Accept-Language: the viewer's own choice).
        try await Language.$scoped.withValue(Language.preferred(acceptLanguage: request.headers[.acceptLanguage])) {
            try await limited(request, context: context, next: next)
        }
    }

    func limited(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.description.utf8.count > ViewerServer.maxURLBytes {
            return ViewerServer.error(.uriTooLong, "the URL is longer than \(ViewerServer.maxURLBytes) bytes")
        }
        // Only a scenario may be posted, and it has its own, larger limit.
        let posting = request.method == .post && request.uri.path == "/api/scenario"
        let limit = posting ? ScenarioService.maxBodyBytes : ViewerServer.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return ViewerServer.error(.contentTooLarge, posting ? "scenarios are limited to \(limit) bytes" : "request bodies are limited to \(limit) bytes (only /api/scenario takes a body)")
        }
        let removing = request.method == .delete && request.uri.path.hasPrefix("/api/scenario/")
        guard request.method == .get || request.method == .head || posting || removing else {
            return ViewerServer.error(.methodNotAllowed, "only GET is served, POST to /api/scenario and DELETE of /api/scenario/ID")
        }
        do {
            return try await next(request, context)
        } catch let e as HTTPError {
            return ViewerServer.error(e.status, e.body ?? "\(e.status)")
        } catch {
            return ViewerServer.error(.internalServerError, "\(error)")
        }
    }
}

/// HEAD is GET without the body: the same status and headers for every resource (the router knows GET routes only).
struct HeadAsGet<Base: HTTPResponder>: HTTPResponder {
    let base: Base
    func respond(to request: Request, context: Base.Context) async throws -> Response {
        guard request.method == .head else { return try await base.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        let answer = try await base.respond(to: Request(head: head, body: request.body), context: context)
        return Response(status: answer.status, headers: answer.headers, body: .init())
    }
}
