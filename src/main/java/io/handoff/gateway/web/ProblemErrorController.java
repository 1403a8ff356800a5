package io.handoff.gateway.web;

import java.util.Map;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Spring Boot's {@code /error} page as problem+json: whatever ends in the container's error dispatch (a
 * {@code sendError} anywhere, an exception no handler took) is answered in the gateway's one format, and
 * never shows an exception's text or a stack trace.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    @RequestMapping("/error")
    public ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (request.getDispatcherType() != DispatcherType.ERROR || !(code instanceof Integer)) {
            // called as a page of its own: there is no error to describe
            return ResponseEntity.status(404).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(ProblemJson.forStatus(404, "No such path"));
        }
        int status = (Integer) code >= 400 ? (Integer) code : 500;
        HttpStatus known = HttpStatus.resolve(status);
        String detail = status >= 500 || known == null
                ? "The gateway failed to answer this request"
                : known.getReasonPhrase();
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemJson.forStatus(status, detail));
    }
}
