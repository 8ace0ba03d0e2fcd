#!/usr/bin/env bash
# JMH benchmarks of the hot path's parts (src/test/java/io/vigil/bench): schema + canonicalization, Ed25519 verify
# (and the verified-once check), a device's streaming model, and the group commit on H2.
#   scripts/jmh.sh                      every benchmark (about 6 minutes on 2 cores)
#   scripts/jmh.sh 'groupCommit' -p groupSize=500    any JMH arguments: a name pattern, -p, -f, -wi, -i ...
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -Dskip.npm -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat target/test.classpath)" org.openjdk.jmh.Main "${@:-HotPathBench}"
