package io.vigil.ml.train;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the forests as ONNX graphs of the {@code ai.onnx.ml} TreeEnsemble operators, input {@code features}
 * (double[N, d]):
 * <ul>
 * <li>Random Forest: TreeEnsembleClassifier, SUM of per-tree leaf shares / trees → {@code label} (int64[N]) and
 * {@code probabilities} (float[N, 2]);</li>
 * <li>Isolation Forest: TreeEnsembleRegressor (AVERAGE of leaf depths) → Div c(ψ) → Neg → Pow(2, ·) →
 * {@code score} (float[N, 1]).</li>
 * </ul>
 * Metadata properties carry the model's name, version, feature list and training-data digest.
 */
public final class OnnxExport {

    private static final int IR_VERSION = 8;
    private static final String ML = "ai.onnx.ml";

    private OnnxExport() {
    }

    public static byte[] randomForest(RandomForest forest, List<String> features, Map<String, String> metadata) {
        Nodes n = nodes(forest.trees());
        List<Long> classTrees = new ArrayList<>();
        List<Long> classNodes = new ArrayList<>();
        List<Long> classIds = new ArrayList<>();
        List<Float> classWeights = new ArrayList<>();
        int treeCount = forest.trees().size();
        for (int t = 0; t < treeCount; t++) {
            Tree tree = forest.trees().get(t);
            for (int i = 0; i < tree.size(); i++) {
                if (tree.isLeaf(i)) {
                    for (int cls = 0; cls <= 1; cls++) {
                        classTrees.add((long) t);
                        classNodes.add((long) i);
                        classIds.add((long) cls);
                        double share = cls == 1 ? tree.value()[i] : 1 - tree.value()[i];
                        classWeights.add((float) (share / treeCount));
                    }
                }
            }
        }
        NodeProto.Builder node = NodeProto.newBuilder().setOpType("TreeEnsembleClassifier").setDomain(ML)
                .setName("random_forest").addInput("features").addOutput("label").addOutput("probabilities");
        n.addTo(node);
        node.addAttribute(ints("class_treeids", classTrees)).addAttribute(ints("class_nodeids", classNodes))
                .addAttribute(ints("class_ids", classIds)).addAttribute(floats("class_weights", classWeights))
                .addAttribute(ints("classlabels_int64s", List.of(0L, 1L)))
                .addAttribute(string("post_transform", "NONE"));
        GraphProto graph = GraphProto.newBuilder().setName("vigil_random_forest").addNode(node)
                .addInput(tensor("features", TensorProto.DataType.DOUBLE, features.size()))
                .addOutput(tensor("label", TensorProto.DataType.INT64, -1))
                .addOutput(tensor("probabilities", TensorProto.DataType.FLOAT, 2))
                .build();
        return model(graph, metadata);
    }

    public static byte[] isolationForest(IsolationForest forest, List<String> features, Map<String, String> metadata) {
        Nodes n = nodes(forest.trees());
        List<Long> targetTrees = new ArrayList<>();
        List<Long> targetNodes = new ArrayList<>();
        List<Long> targetIds = new ArrayList<>();
        List<Float> targetWeights = new ArrayList<>();
        for (int t = 0; t < forest.trees().size(); t++) {
            Tree tree = forest.trees().get(t);
            for (int i = 0; i < tree.size(); i++) {
                if (tree.isLeaf(i)) {
                    targetTrees.add((long) t);
                    targetNodes.add((long) i);
                    targetIds.add(0L);
                    targetWeights.add((float) tree.value()[i]);
                }
            }
        }
        NodeProto.Builder ensemble = NodeProto.newBuilder().setOpType("TreeEnsembleRegressor").setDomain(ML)
                .setName("isolation_depths").addInput("features").addOutput("mean_depth");
        n.addTo(ensemble);
        ensemble.addAttribute(ints("target_treeids", targetTrees)).addAttribute(ints("target_nodeids", targetNodes))
                .addAttribute(ints("target_ids", targetIds)).addAttribute(floats("target_weights", targetWeights))
                .addAttribute(AttributeProto.newBuilder().setName("n_targets").setType(AttributeType.INT).setI(1))
                .addAttribute(string("aggregate_function", "AVERAGE"))
                .addAttribute(string("post_transform", "NONE"));
        GraphProto graph = GraphProto.newBuilder().setName("vigil_isolation_forest")
                .addInitializer(scalar("normaliser", (float) forest.normaliser()))
                .addInitializer(scalar("two", 2f))
                .addNode(ensemble)
                .addNode(NodeProto.newBuilder().setOpType("Div").setName("normalise").addInput("mean_depth")
                        .addInput("normaliser").addOutput("relative_depth"))
                .addNode(NodeProto.newBuilder().setOpType("Neg").setName("negate").addInput("relative_depth")
                        .addOutput("exponent"))
                .addNode(NodeProto.newBuilder().setOpType("Pow").setName("score").addInput("two").addInput("exponent")
                        .addOutput("score"))
                .addInput(tensor("features", TensorProto.DataType.DOUBLE, features.size()))
                .addOutput(tensor("score", TensorProto.DataType.FLOAT, 1))
                .build();
        return model(graph, metadata);
    }

    /** The node arrays of every tree, shared by both operators. */
    private record Nodes(List<Long> treeIds, List<Long> nodeIds, List<Long> featureIds, List<ByteString> modes,
            List<Float> values, List<Long> trueIds, List<Long> falseIds) {

        void addTo(NodeProto.Builder node) {
            node.addAttribute(ints("nodes_treeids", treeIds)).addAttribute(ints("nodes_nodeids", nodeIds))
                    .addAttribute(ints("nodes_featureids", featureIds))
                    .addAttribute(AttributeProto.newBuilder().setName("nodes_modes").setType(AttributeType.STRINGS)
                            .addAllStrings(modes))
                    .addAttribute(floats("nodes_values", values)).addAttribute(ints("nodes_truenodeids", trueIds))
                    .addAttribute(ints("nodes_falsenodeids", falseIds));
        }
    }

    private static Nodes nodes(List<Tree> trees) {
        Nodes n = new Nodes(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        ByteString leaf = ByteString.copyFromUtf8("LEAF");
        ByteString branch = ByteString.copyFromUtf8("BRANCH_LEQ");
        for (int t = 0; t < trees.size(); t++) {
            Tree tree = trees.get(t);
            for (int i = 0; i < tree.size(); i++) {
                boolean isLeaf = tree.isLeaf(i);
                n.treeIds().add((long) t);
                n.nodeIds().add((long) i);
                n.featureIds().add(isLeaf ? 0L : tree.feature()[i]);
                n.modes().add(isLeaf ? leaf : branch);
                n.values().add(isLeaf ? 0f : tree.threshold()[i]);
                n.trueIds().add(isLeaf ? 0L : tree.left()[i]);
                n.falseIds().add(isLeaf ? 0L : tree.right()[i]);
            }
        }
        return n;
    }

    private static byte[] model(GraphProto graph, Map<String, String> metadata) {
        ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("vigil")
                .setProducerVersion(metadata.getOrDefault("version", "0")).setDomain("io.vigil")
                .setModelVersion(Long.parseLong(metadata.getOrDefault("version", "0")))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(ML).setVersion(1))
                .setGraph(graph);
        new java.util.TreeMap<>(metadata).forEach((k, v) ->
                model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build().toByteArray();
    }

    private static AttributeProto ints(String name, List<Long> values) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS).addAllInts(values).build();
    }

    private static AttributeProto floats(String name, List<Float> values) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOATS).addAllFloats(values).build();
    }

    private static AttributeProto string(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    private static TensorProto scalar(String name, float value) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(value)
                .build();
    }

    /** A tensor value of shape [N] (width < 0) or [N, width], N dynamic. */
    private static ValueInfoProto tensor(String name, TensorProto.DataType type, int width) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        if (width >= 0) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }
}
