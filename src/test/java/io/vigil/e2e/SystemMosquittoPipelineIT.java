package io.vigil.e2e;

/** The pipeline on the machine's Mosquitto (127.0.0.1:1883), on a topic of its own so parallel runs do not mix. */
class SystemMosquittoPipelineIT extends PipelineContract {

    @Override
    void configureBroker(VigilProcess process) {
        process.with("VIGIL_MQTT_URL", System.getProperty("vigil.it.mosquitto", "tcp://127.0.0.1:1883"))
                .with("VIGIL_MQTT_TOPIC", "vigil-it/" + Long.toString(System.nanoTime(), 36) + "/logs")
                .with("VIGIL_GATEWAY_ID", "gw-it-" + Long.toString(System.nanoTime(), 36));
    }
}
