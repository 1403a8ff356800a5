package io.handoff.gateway.conversation;

/**
 * What claiming a switch's {@code requestId} found (HandoffRequests#claim): no requestId, claimed for this
 * handoff (a failure gives it back, a success keeps the answer), or a repeat whose first answer is replayed.
 */
public record RequestClaim(Kind kind, Integer status, String answer) {

    public enum Kind { NONE, CLAIMED, REPLAYED }

    public static final RequestClaim NONE = new RequestClaim(Kind.NONE, null, null);
    public static final RequestClaim CLAIMED = new RequestClaim(Kind.CLAIMED, null, null);

    /** A repeat of a request already answered: {@code status} and {@code answer} are the first answer. */
    public static RequestClaim answered(int status, String answer) {
        return new RequestClaim(Kind.REPLAYED, status, answer);
    }

    public boolean claimed() {
        return kind == Kind.CLAIMED;
    }

    public boolean replayed() {
        return kind == Kind.REPLAYED;
    }
}
