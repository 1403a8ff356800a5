package io.handoff.gateway.relay;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

import org.apache.camel.Exchange;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

import io.handoff.gateway.intake.ProblemException;

/**
 * A client's file on its way to a platform that only takes uploads (LiveChat accepts files on its own
 * CDN only): the download is checked and bounded, then re-sent as multipart/form-data.
 */
@Component("clientFiles")
public class ClientFiles {

    private final long maxBytes;

    public ClientFiles(@Value("${handoff.relay.max-file-size:10MB}") DataSize maxFileSize) {
        this.maxBytes = maxFileSize.toBytes();
    }

    /** Prepares the GET of the client's file: the URL comes from the message, not from configuration. */
    public void prepareDownload(Exchange exchange) {
        ClientMessage message = exchange.getProperty("clientMessage", ClientMessage.class);
        if (message.file().size() != null && message.file().size() > maxBytes) {
            throw tooLarge();
        }
        exchange.getMessage().removeHeaders("*", "CamelRedelivery*");
        exchange.getMessage().setHeader(Exchange.HTTP_URI, message.file().url());
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
        exchange.getMessage().setBody(null);
    }

    /** Checks the download and keeps its bytes (at most handoff.relay.max-file-size) as property clientFileBytes. */
    public void downloaded(Exchange exchange) throws IOException {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        ClientMessage message = exchange.getProperty("clientMessage", ClientMessage.class);
        if (status < 200 || status >= 300) {
            throw ProblemException.invalidRequest("file.url could not be downloaded: HTTP " + status, null);
        }
        byte[] bytes;
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            bytes = in == null ? new byte[0] : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        }
        if (bytes.length > maxBytes) {
            throw tooLarge();
        }
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        exchange.setProperty("clientFileBytes", bytes);
        exchange.setProperty("clientFileType", contentType == null ? "application/octet-stream" : contentType);
        exchange.getMessage().removeHeaders("*", "CamelRedelivery*");
    }

    /** The multipart body with one part named {@code file}. */
    public HttpEntity multipart(Exchange exchange) {
        ClientMessage message = exchange.getProperty("clientMessage", ClientMessage.class);
        String name = message.file().name() != null ? message.file().name() : fileNameOf(message.file().url());
        return MultipartEntityBuilder.create()
                .addBinaryBody("file", exchange.getProperty("clientFileBytes", byte[].class),
                        ContentType.parseLenient(exchange.getProperty("clientFileType", String.class)), name)
                .build();
    }

    private ProblemException tooLarge() {
        return new ProblemException(413, "payload-too-large", "File too large",
                "The file is larger than handoff.relay.max-file-size (" + maxBytes + " bytes)", null);
    }

    static String fileNameOf(String url) {
        String path = URI.create(url).getPath();
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        return name.isBlank() ? "file" : name;
    }
}
