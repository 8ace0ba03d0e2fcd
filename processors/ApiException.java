package io.vigil.processors;

/**
 * An API error answered as {@code {"error": message, "detail": detail}} with its HTTP status. Thrown as one of its
 * types ({@link BadRequestException}, {@link NotFoundException}, {@link BatchRejectedException}, …), each of which
 * carries its status.
 */
public abstract class ApiException extends RuntimeException {

    private final int status;
    private final transient Object detail;

    protected ApiException(int status, String message, Object detail) {
        super(message);
        this.status = status;
        this.detail = detail;
    }

    public int status() {
        return status;
    }

    public Object detail() {
        return detail;
    }
}
