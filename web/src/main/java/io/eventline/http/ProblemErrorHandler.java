package io.eventline.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors the web server answers before a route sees the request (a path it refuses to decode, headers over its
 * limit, a malformed request line) as {@code application/problem+json}, like every other error, instead of
 * the server's HTML page.
 */
final class ProblemErrorHandler extends ErrorHandler {
    private final Problems problems;

    ProblemErrorHandler(Problems problems) {
        this.problems = problems;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        final Object message = request.getAttribute(ERROR_MESSAGE);
        generateCacheControl(response);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(body(response.getStatus(), message == null ? null : message.toString(),
                request.getHttpURI().getPath())), callback);
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE));
        return ByteBuffer.wrap(body(status, reason, null));
    }

    private byte[] body(int status, String message, String instance) {
        final ProblemException problem = new ProblemException(status, "http-" + status, Problems.titleOf(status),
                message == null ? "the server refused the request" : message);
        return problems.body(problem, instance).toString().getBytes(StandardCharsets.UTF_8);
    }
}
