package io.handoff.gateway.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Tomcat's own refusals (a malformed or over-long request line, {@code %2F} or {@code %zz} in a path: anything
 * it refuses before Spring sees the request) as problem+json instead of Tomcat's HTML page. Installed as the
 * host's error report valve by {@link ContainerProblems}.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return; // the connection is broken: nobody would read the answer
        }
        try {
            String body = JSON.writeValueAsString(ProblemJson.forStatus(status, status >= 500
                    ? "The gateway failed to answer this request"
                    : "The HTTP server refused the request: check its path, its encoding and its headers"));
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client has gone or the response can no longer be written: nothing more to say
        }
    }
}
