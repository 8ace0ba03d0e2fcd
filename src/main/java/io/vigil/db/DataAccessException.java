package io.vigil.db;

import java.sql.SQLException;

/** A database failure: transient from the pipeline's point of view (retried, never turned into a verdict). */
public class DataAccessException extends RuntimeException {

    public DataAccessException(SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
