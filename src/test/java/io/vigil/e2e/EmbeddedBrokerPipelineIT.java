package io.vigil.e2e;

/** The pipeline on the default embedded HiveMQ broker. */
class EmbeddedBrokerPipelineIT extends PipelineContract {

    @Override
    void configureBroker(VigilProcess process) {
        // embedded broker on the free port VigilProcess chose
    }
}
