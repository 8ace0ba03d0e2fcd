package io.vigil.processors;

/** No such device, log, batch, alert, export or transaction (404). */
public class NotFoundException extends ApiException {

    public NotFoundException(String message, Object detail) {
        super(404, message, detail);
    }
}
