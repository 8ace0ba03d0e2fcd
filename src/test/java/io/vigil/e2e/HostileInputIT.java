package io.vigil.e2e;

/** The hostile-input campaign on the default embedded broker and H2. */
class HostileInputIT extends HostileInputContract {

    @Override
    void configure(VigilProcess process) {
        // defaults
    }
}
