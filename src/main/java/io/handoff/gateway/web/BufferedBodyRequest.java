package io.handoff.gateway.web;

import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/** A request whose body was already read (to enforce the size limit) and is replayed from memory. */
class BufferedBodyRequest extends HttpServletRequestWrapper {

    private final byte[] body;

    BufferedBodyRequest(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("blocking reads only");
            }

            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }
        };
    }

    /**
     * The body as text, with a buffer the body's size: the stream decoder and 8K buffer of a reader over
     * {@link #getInputStream()} were a tenth of what the gateway allocated per request (JFR, bench/run).
     * RequestGuard has checked the bytes are UTF-8.
     */
    @Override
    public BufferedReader getReader() {
        return new BufferedReader(new StringReader(new String(body, StandardCharsets.UTF_8)),
                Math.max(16, Math.min(body.length, 8192)));
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }
}
