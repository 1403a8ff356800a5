package io.handoff.gateway.support;

/** Byte searches for the tests' hand-written HTTP: raw responses and multipart bodies. */
public final class Bytes {

    private Bytes() {
    }

    /** Where {@code needle} first stands in {@code haystack} at or after {@code from}; -1 if nowhere. */
    public static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
