package io.handoff.gateway.delivery;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

import io.handoff.gateway.HandoffProperties;

/** {@code X-Handoff-Signature: sha256=<hex HMAC-SHA256 of the body with handoff.callback.secret>}. */
@Component("callbackSigner")
public class CallbackSigner {

    private final byte[] secret;

    public CallbackSigner(HandoffProperties properties) {
        String configured = properties.callback().secret();
        this.secret = (configured == null ? "" : configured).getBytes(StandardCharsets.UTF_8);
    }

    /** The push's header; its body is taken from the record, not bound as a string argument (Camel's binding strips quotes). */
    public String signature(BotPush push) {
        return "sha256=" + hmac(secret, push.body());
    }

    public static String hmac(byte[] key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
