package io.handoff.gateway.provider.livechat;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a text into pieces of a bounded size in UTF-8: LiveChat limits an event's text in bytes, and a Cyrillic
 * letter takes two of them, a CJK character three, an emoji four. The pieces, joined, are the text.
 */
final class Utf8Pieces {

    /** The longest code point in UTF-8: a smaller limit could not make progress. */
    private static final int MAX_CODE_POINT_BYTES = 4;

    private Utf8Pieces() {
    }

    /**
     * The text's pieces in order, each at most {@code maxBytes} of UTF-8. A piece never ends inside a code point
     * (a surrogate pair stays whole); when the last quarter of a full piece has whitespace (a line break
     * included), it ends after the last one there, so a word is not cut. An empty text has no pieces.
     */
    static List<String> split(String text, int maxBytes) {
        if (maxBytes < MAX_CODE_POINT_BYTES) {
            throw new IllegalArgumentException("a piece must hold any code point: " + maxBytes + " bytes");
        }
        if (!text.isEmpty() && text.length() <= maxBytes / 3) {
            return List.of(text); // a UTF-16 char is at most 3 bytes of UTF-8 (a pair, 4): most messages, not scanned
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = longestFit(text, start, maxBytes);
            if (end < text.length()) {
                end = afterLastWhitespace(text, start + (end - start) * 3 / 4, end);
            }
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }

    /** The end of the most whole code points from {@code start} that fit in {@code maxBytes}. */
    private static int longestFit(String text, int start, int maxBytes) {
        int end = start;
        int bytes = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            bytes += utf8Length(codePoint);
            if (bytes > maxBytes) {
                break;
            }
            end += Character.charCount(codePoint);
        }
        return end;
    }

    /** Just after the last whitespace in [from, end), or {@code end} when there is none. */
    private static int afterLastWhitespace(String text, int from, int end) {
        for (int i = end - 1; i >= from; i--) {
            // whitespace is never a surrogate, so the cut after it is between code points
            if (Character.isWhitespace(text.charAt(i))) {
                return i + 1;
            }
        }
        return end;
    }

    private static int utf8Length(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        // a lone surrogate (not valid text) counts 3, no fewer than any encoder writes for it
        return codePoint < 0x10000 ? 3 : 4;
    }
}
