package io.vigil.sim;

import io.vigil.mqtt.ServiceCredentials;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * The login a Vigil tool publishes with (PROTOCOL v1.1 §1a). On the embedded broker the demo fleet, {@code vigil
 * simulate} and {@code vigil loadgen} log in as {@code vigil:fleet}, whose password is in the data dir's owner-only
 * {@code mqtt-credentials.properties} (it may publish to {@code iot/logs} only; each packet's signature still
 * decides). On an external broker: {@code VIGIL_MQTT_USERNAME} / {@code VIGIL_MQTT_PASSWORD} from the environment.
 * Never a password on the command line.
 */
public record MqttLogin(String username, String password) {

    public static final MqttLogin ANONYMOUS = new MqttLogin(null, null);

    /** The fleet login of a data dir. */
    public static MqttLogin fleet(ServiceCredentials credentials) {
        return new MqttLogin(ServiceCredentials.FLEET, credentials.fleetPassword());
    }

    /**
     * A tool's {@code --data-dir DIR} (null: {@code ./data} when it holds the credentials file): the fleet login; else
     * the environment's; else none.
     */
    public static MqttLogin of(String dataDirArg) {
        Path dir = Path.of(dataDirArg == null ? "data" : dataDirArg);
        Path file = ServiceCredentials.file(dir);
        if (Files.isReadable(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
            }
            return new MqttLogin(ServiceCredentials.FLEET, p.getProperty("fleet.password"));
        }
        if (dataDirArg != null) {
            throw new IllegalArgumentException(file + " not found: start Vigil with that data dir first");
        }
        String user = System.getenv("VIGIL_MQTT_USERNAME");
        return user == null || user.isEmpty() ? ANONYMOUS : new MqttLogin(user, System.getenv("VIGIL_MQTT_PASSWORD"));
    }

    public void apply(MqttConnectionOptions options) {
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password == null ? new byte[0] : password.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public String toString() {
        return username == null ? "anonymous" : username; // never the password
    }
}
