package io.vigil.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.vigil.boot.Database;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.Ed25519;
import io.vigil.ml.Features;
import io.vigil.ml.StreamingModels;
import io.vigil.model.Packet;
import io.vigil.processors.PacketValidator;
import io.vigil.processors.ReplayGuard;
import io.vigil.processors.VerifiedSignatures;
import io.vigil.testsupport.SignedPackets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot path's parts, one packet (or one group) at a time: run with {@code scripts/jmh.sh}. Average time per
 * operation; compare rows of one run, the machine is noisy.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBench {

    private static final int DEVICES = 100;

    /** Signed packets of 100 devices, parsed and validated once. */
    @State(Scope.Benchmark)
    public static class Packets {
        final PacketValidator validator = new PacketValidator(4096);
        final List<byte[]> raw = new ArrayList<>();
        final List<Packet> packets = new ArrayList<>();
        final List<Ed25519.VerifyKey> keys = new ArrayList<>();
        final List<org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint> points = new ArrayList<>();
        final List<byte[]> rawKeys = new ArrayList<>();
        final List<byte[]> sigs = new ArrayList<>();
        int next;

        @Setup
        public void sign() {
            long t = System.currentTimeMillis();
            for (int i = 0; i < 1_000; i++) {
                String device = "bench-" + (i % DEVICES);
                byte[] bytes = SignedPackets.signed(device, i / DEVICES, t + i, 20 + i % 7).getBytes(StandardCharsets.UTF_8);
                raw.add(bytes);
                packets.add(validator.validate(bytes));
                keys.add(Ed25519.VerifyKey.of(SignedPackets.publicKey(device)));
                byte[] raw = java.util.Base64.getUrlDecoder().decode(SignedPackets.publicKey(device));
                rawKeys.add(raw);
                points.add(org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFullExport(raw, 0));
                sigs.add(java.util.Base64.getUrlDecoder().decode(packets.get(packets.size() - 1).sig()));
            }
        }

        int take() {
            next = (next + 1) % packets.size();
            return next;
        }
    }

    @Benchmark
    public Packet validateSchemaAndCanonicalize(Packets p) {
        return p.validator.validate(p.raw.get(p.take()));
    }

    @Benchmark
    public byte[] canonicalizeOnly(Packets p) throws Exception {
        return CanonicalJson.bytes(CanonicalJson.parse(p.raw.get(p.take())));
    }

    @Benchmark
    public boolean ed25519VerifyBouncyCastle(Packets p) {
        int i = p.take();
        byte[] message = p.packets.get(i).signingInput();
        return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(p.sigs.get(i), 0, p.points.get(i), message, 0, message.length);
    }

    /** libsodium through JNA (what {@code Ed25519.VerifyKey} uses where the machine has it). */
    @Benchmark
    public boolean ed25519VerifyLibsodium(Packets p) {
        int i = p.take();
        return io.vigil.crypto.Sodium.verify(p.sigs.get(i), p.packets.get(i).signingInput(), p.rawKeys.get(i));
    }

    /** The server's check of a signature the gateway in the same process already verified. */
    @Benchmark
    public boolean ed25519VerifiedOnceTake(Packets p) {
        int i = p.take();
        Packet packet = p.packets.get(i);
        VerifiedSignatures cache = new VerifiedSignatures(16);
        cache.verified(p.keys.get(i), packet.signingInput(), packet.sig());
        return cache.take(p.keys.get(i), packet.signingInput(), packet.sig());
    }

    /** A device's streaming model (RCF) grading and learning one packet. */
    @State(Scope.Benchmark)
    public static class DeviceModels {
        @Param({"5:16", "5:32"})
        public String treesAndSample;
        StreamingModels models;
        double[][] rows;
        int next;

        @Setup
        public void train() {
            String[] parts = treesAndSample.split(":");
            models = new StreamingModels(DEVICES, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), 11);
            java.util.Random random = new java.util.Random(11);
            rows = new double[4_096][];
            for (int i = 0; i < rows.length; i++) {
                double[] row = new double[Features.COUNT];
                for (int f = 0; f < row.length; f++) {
                    row[f] = 20 + random.nextGaussian();
                }
                rows[i] = row;
            }
            for (int i = 0; i < 50_000; i++) {
                models.process("bench-" + (i % DEVICES), rows[i % rows.length], i, null);
            }
        }
    }

    @Benchmark
    public StreamingModels.Grade deviceModelProcess(DeviceModels m) {
        int i = m.next++;
        return m.models.process("bench-" + (i % DEVICES), m.rows[i % m.rows.length], 50_000L + i, null);
    }

    /** A group commit on a real H2 file database: windows, digests and batches in one transaction. */
    @State(Scope.Benchmark)
    public static class Commit {
        @Param({"100", "500"})
        public int groupSize;
        Path dir;
        HikariDataSource db;
        ReplayGuard guard;
        final List<ReplayGuard.Pending> group = new ArrayList<>();
        long sequence;
        final PacketValidator validator = new PacketValidator(4096);

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = Files.createTempDirectory("vigil-bench-");
            db = Database.open(Database.defaultUrl(dir), "", "", 4);
            guard = new ReplayGuard(db, 64, "gw-bench", 100, 2_000);
        }

        @Setup(Level.Invocation)
        public void nextGroup() {
            group.clear();
            long t = System.currentTimeMillis();
            for (int i = 0; i < groupSize; i++) {
                String device = "bench-" + (i % DEVICES);
                Packet packet = validator.validate(SignedPackets.signed(device, sequence + i / DEVICES, t, 20)
                        .getBytes(StandardCharsets.UTF_8));
                group.add(new ReplayGuard.Pending(packet, null, t));
            }
            sequence += (groupSize + DEVICES - 1) / DEVICES;
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            db.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Per group; divide by the group size for the cost per packet. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public ReplayGuard.GroupOutcome groupCommit(Commit c) {
        return c.guard.commit(c.group, System.currentTimeMillis());
    }
}
