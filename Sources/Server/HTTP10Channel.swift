import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 channel, with HTTP/1.0 connections closed after their response (RFC 9112 §9.3: an
/// HTTP/1.0 connection persists only with `Connection: keep-alive`). The framework's channel converts requests to
/// HTTP types, which carry no version, and keeps a connection open unless asked to close: an HTTP/1.0 client
/// (`ab`, old proxies, scripts) then waits on an open socket for the idle timeout.
struct ClosingHTTP10Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel
    var responder: HTTPChannelHandler.Responder { inner.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let codec = try channel.pipeline.syncOperations.handler(type: HTTP1ToHTTPServerCodec.self)
            try channel.pipeline.syncOperations.addHandler(HTTP10ConnectionClose(), position: .before(codec))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async { await handleHTTP(asyncChannel: value, logger: logger) }

    static func builder(_ configuration: HTTP1Channel.Configuration) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in ClosingHTTP10Channel(inner: HTTP1Channel(responder: responder, configuration: configuration)) }
    }
}

/// Marks an HTTP/1.0 request without `Connection: keep-alive` as `Connection: close`, before its version is dropped.
final class HTTP10ConnectionClose: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var part = unwrapInboundIn(data)
        if case .head(var head) = part, head.version.major == 1, head.version.minor == 0,
           !head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "keep-alive" }) {
            head.headers.replaceOrAdd(name: "connection", value: "close")
            part = .head(head)
        }
        context.fireChannelRead(wrapInboundOut(part))
    }
}
