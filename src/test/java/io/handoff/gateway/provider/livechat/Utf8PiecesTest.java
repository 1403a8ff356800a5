package io.handoff.gateway.provider.livechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Texts cut for LiveChat's events: at most so many bytes of UTF-8 each, between code points, at whitespace when near. */
class Utf8PiecesTest {

    static final int LIMIT = LiveChatPayloads.MAX_EVENT_TEXT_BYTES;
    static final String EMOJI = "\uD83D\uDE00"; // U+1F600, a surrogate pair: 4 bytes of UTF-8

    static int utf8Bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The pieces of {@code text}: each within {@code maxBytes}, none split inside a code point, joined the text. */
    static List<String> piecesOf(String text, int maxBytes) {
        List<String> pieces = Utf8Pieces.split(text, maxBytes);
        assertThat(String.join("", pieces)).isEqualTo(text);
        assertThat(pieces).allSatisfy(piece -> {
            assertThat(piece).isNotEmpty();
            assertThat(utf8Bytes(piece)).isLessThanOrEqualTo(maxBytes);
            assertThat(Character.isHighSurrogate(piece.charAt(piece.length() - 1))).as("ends inside a pair").isFalse();
            assertThat(Character.isLowSurrogate(piece.charAt(0))).as("starts inside a pair").isFalse();
        });
        return pieces;
    }

    @Test
    void sixteenThousandCyrillicLettersAreTwoPiecesOfSixteenThousandBytes() {
        String text = "я".repeat(16_000); // 32,000 bytes

        assertThat(piecesOf(text, LIMIT)).containsExactly("я".repeat(8_000), "я".repeat(8_000));
    }

    @Test
    void anEmojiAcrossTheLimitGoesWholeIntoTheNextPiece() {
        String text = "a".repeat(LIMIT - 2) + EMOJI + "b"; // the emoji's 4 bytes would end 2 bytes past the limit

        assertThat(piecesOf(text, LIMIT)).containsExactly("a".repeat(LIMIT - 2), EMOJI + "b");
        assertThat(piecesOf(EMOJI.repeat(8_000), LIMIT)).containsExactly(EMOJI.repeat(4_000), EMOJI.repeat(4_000));
    }

    @Test
    void asciiOfExactlyTheLimitStaysOnePiece() {
        assertThat(piecesOf("x".repeat(LIMIT), LIMIT)).containsExactly("x".repeat(LIMIT));
        assertThat(piecesOf("x".repeat(LIMIT + 1), LIMIT)).containsExactly("x".repeat(LIMIT), "x");
        assertThat(Utf8Pieces.split("", LIMIT)).isEmpty();
    }

    @Test
    void aPieceEndsAfterTheLastWhitespaceOfItsLastQuarter() {
        String words = "слово ".repeat(3_000); // 18,000 characters, 33,000 bytes
        List<String> pieces = piecesOf(words, LIMIT);
        assertThat(pieces.subList(0, pieces.size() - 1)).allSatisfy(piece -> assertThat(piece).endsWith("слово "));

        String lines = "я".repeat(7_000) + "\n" + "я".repeat(2_000); // the line break is in the first piece's last quarter
        assertThat(piecesOf(lines, LIMIT)).containsExactly("я".repeat(7_000) + "\n", "я".repeat(2_000));
    }

    @Test
    void whitespaceOnlyEarlyInAPieceDoesNotShortenIt() {
        String text = "a " + "я".repeat(9_000); // the space is in the first piece's first quarter: cut at the limit

        assertThat(piecesOf(text, LIMIT)).containsExactly("a " + "я".repeat(7_999), "я".repeat(1_001));
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5, 7, 100, LIMIT})
    void anyMixOfScriptsJoinsBackWithEveryPieceWithinTheLimit(int maxBytes) {
        String[] alphabet = {"a", "я", "字", EMOJI, " ", "\n", "\uD834\uDD1E"};
        Random random = new Random(maxBytes); // fixed: a failure repeats
        for (int round = 0; round < 20; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(3 * maxBytes + 10); // up to a few pieces' worth
            while (text.length() < length) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            piecesOf(text.toString(), maxBytes);
        }
    }

    @Test
    void aLimitTooSmallForAnEmojiIsRefused() {
        assertThatThrownBy(() -> Utf8Pieces.split(EMOJI, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
