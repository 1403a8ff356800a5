package io.handoff.gateway.provider.livechat;

import java.net.URI;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

import io.handoff.gateway.files.ClientFileRefusedException;
import io.handoff.gateway.files.FileFetcher;
import io.handoff.gateway.files.FileNotFetchedException;
import io.handoff.gateway.files.LoggedUrl;
import io.handoff.gateway.conversation.ClientMessage;
import io.handoff.gateway.conversation.ClientTurn;

/**
 * A client's file for LiveChat, which accepts files on its own CDN only: downloaded within bounds (its
 * URL was checked at acceptance, relay.ClientMessages#checkFileUrl, and is checked again here) and
 * re-sent as multipart/form-data with upload_file.
 */
@Component("livechatFiles")
public class LiveChatFiles {

    private static final Logger log = LoggerFactory.getLogger(LiveChatFiles.class);

    private final long maxBytes;
    private final FileFetcher fetcher;

    public LiveChatFiles(@Value("${handoff.relay.max-file-size:10MB}") DataSize maxFileSize, FileFetcher fetcher) {
        this.maxBytes = maxFileSize.toBytes();
        this.fetcher = fetcher;
    }

    /**
     * Downloads the turn's file (checked again, connected to the checked address, bounded in bytes and
     * time) to the spool dir. The route keeps it (property livechatClientFile), so a redelivery (the upload
     * failed) reuses the file rather than holding the conversation for a second download; the file is
     * deleted when the exchange is done, however it ends.
     */
    public FileFetcher.FetchedFile download(Exchange exchange, ClientTurn turn) {
        ClientMessage message = turn.message();
        if (message.file().size() != null && message.file().size() > maxBytes) {
            throw ClientFileRefusedException.tooLarge(maxBytes); // declared by the bot itself: nothing to hide
        }
        FileFetcher.FetchedFile file;
        try {
            file = fetcher.fetch(message.file().url(), maxBytes);
        } catch (FileNotFetchedException e) {
            throw notFetched(turn.conversationId(), message.file().url(), e);
        }
        // a setProperty's method runs on a copy of the exchange, but the copy shares the exchange's unit of
        // work, which runs this when the whole delivery attempt is done
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                file.close();
            }
        });
        return file;
    }

    /** The multipart body with one part named {@code file}, streamed from the downloaded file on disk. */
    public HttpEntity multipart(ClientMessage message, FileFetcher.FetchedFile file) {
        String name = message.file().name() != null ? message.file().name() : fileNameOf(message.file().url());
        String type = file.contentType() == null ? "application/octet-stream" : file.contentType();
        return MultipartEntityBuilder.create()
                .addBinaryBody("file", file.path().toFile(), ContentType.parseLenient(type), name)
                .build();
    }

    /** One answer for every failure, the reason in the log (no cause attached: an I/O cause would make the route retry it). */
    static ClientFileRefusedException notFetched(String conversationId, String url, FileNotFetchedException e) {
        log.warn("conversation={} file not fetched: {} (url {})", conversationId,
                LoggedUrl.text(e.reason()), LoggedUrl.of(url));
        return ClientFileRefusedException.notFetched();
    }

    static String fileNameOf(String url) {
        String path = URI.create(url).getPath();
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        return name.isBlank() ? "file" : name;
    }
}
