"""Makes the tiny test models: the real input/output signatures of each family's ONNX export, with a few
thousand fixed-seed random weights instead of millions of trained ones, in the Hugging Face ONNX layout.

  models/clip/          onnx/vision_model.onnx + onnx/text_model.onnx (as HF exports CLIPVisionModelWithProjection
                        and CLIPTextModelWithProjection), tokenizer.json, preprocessor_config.json, config.json
  models/chinese-clip/  onnx/model.onnx (one combined graph, as HF exports ChineseCLIPModel: logits_per_image,
                        logits_per_text, text_embeds, image_embeds), tokenizer.json, preprocessor_config.json,
                        config.json
  models/resnet50/      onnx/model.onnx (pixel_values -> last_hidden_state [N,2048,7,7], pooler_output
                        [N,2048,1,1], as HF exports a ResNet feature extractor)
  models/vgg16/         onnx/model.onnx (Keras layout: input_1 NHWC [N,224,224,3] -> global_max_pooling2d [N,512])

The text towers depend on every token id and its position (a causal running mean pooled at the end token for
CLIP, a masked mean plus the [CLS] position for Chinese-CLIP), so any tokenisation error changes the embedding.
The image towers are patch convolutions over the full-resolution input, so any preprocessing error does too.

Usage: python make_test_models.py <models-dir>
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import build_tokenizers

OPSET = 18
WIDTH = 16  # hidden width of every tiny tower
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
CHINESE_CLIP_LOGIT_SCALE = 4.0  # exp(4) = 54.6: a value no default could produce by accident


class Graph:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count = [], [], 0

    def weight(self, name, shape, scale):
        self.inits.append(numpy_helper.from_array((self.rng.standard_normal(shape) * scale).astype(np.float32), name))
        return name

    def const(self, name, value, dtype=np.float32):
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def op(self, op_type, inputs, outputs=None, **attrs):
        self.count += 1
        outputs = outputs or [f"{op_type.lower()}_{self.count}"]
        self.nodes.append(helper.make_node(op_type, inputs, outputs, **attrs))
        return outputs[0]

    def model(self, name, inputs, outputs):
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="imgsearch-tests")
        model.ir_version = 9
        onnx.checker.check_model(model, full_check=True)
        return model


def image_tower(g, pixels, patch, out_dim, prefix):
    """ViT-like: patch conv -> positions -> tanh -> mean over patches -> projection. Returns [N, out_dim]."""
    patches = (224 // patch) ** 2
    x = g.op("Conv", [pixels, g.weight(f"{prefix}.patch", [WIDTH, 3, patch, patch], 0.05)],
             kernel_shape=[patch, patch], strides=[patch, patch])
    x = g.op("Reshape", [x, g.const(f"{prefix}.shape", [0, WIDTH, patches], np.int64)])
    x = g.op("Transpose", [x], perm=[0, 2, 1])
    x = g.op("Add", [x, g.weight(f"{prefix}.pos", [patches, WIDTH], 0.1)])
    x = g.op("Tanh", [g.op("MatMul", [x, g.weight(f"{prefix}.mix", [WIDTH, WIDTH], 0.5)])])
    x = g.op("ReduceMean", [x, g.const(f"{prefix}.axes", [1], np.int64)], keepdims=0)
    return g.op("MatMul", [x, g.weight(f"{prefix}.proj", [WIDTH, out_dim], 0.3)])


def token_features(g, input_ids, prefix, positions_table):
    """Per-token features that depend on the token id (sinusoids of the id) and its position."""
    ids = g.op("Unsqueeze", [g.op("Cast", [input_ids], to=TensorProto.FLOAT), g.const(f"{prefix}.ax2", [2], np.int64)])
    angles = g.op("Add", [g.op("Mul", [ids, g.const(f"{prefix}.freq", g.rng.uniform(0.01, 1.0, WIDTH))]),
                          g.weight(f"{prefix}.phase", [WIDTH], 1.0)])
    tokens = g.op("Sin", [angles])
    seq = g.op("Gather", [g.op("Shape", [input_ids]), g.const(f"{prefix}.one", 1, np.int64)])
    steps = g.op("Range", [g.const(f"{prefix}.zero", 0, np.int64), seq, g.const(f"{prefix}.step", 1, np.int64)])
    pos = g.op("Gather", [g.weight(f"{prefix}.pos", [positions_table, WIDTH], 0.5), steps])
    x = g.op("Tanh", [g.op("MatMul", [g.op("Add", [tokens, pos]), g.weight(f"{prefix}.mix", [WIDTH, WIDTH], 0.7)])])
    return x, seq, steps


def clip_text_tower(g, input_ids, attention_mask, out_dim, prefix):
    """CLIP-like: causal running mean of token features, pooled at argmax(input_ids) (the end token)."""
    x, seq, steps = token_features(g, input_ids, prefix, 77)
    mask = g.op("Unsqueeze", [g.op("Cast", [attention_mask], to=TensorProto.FLOAT), g.const(f"{prefix}.ax2m", [2], np.int64)])
    x = g.op("Mul", [x, mask])
    running = g.op("CumSum", [x, g.const(f"{prefix}.ax1", 1, np.int64)])
    count = g.op("Unsqueeze", [g.op("Cast", [g.op("Add", [steps, g.const(f"{prefix}.one64", 1, np.int64)])],
                                    to=TensorProto.FLOAT), g.const(f"{prefix}.ax1u", [1], np.int64)])
    hidden = g.op("Div", [running, count], [f"{prefix}.last_hidden_state"])
    eot = g.op("ArgMax", [input_ids], axis=1, keepdims=0)
    onehot = g.op("OneHot", [eot, seq, g.const(f"{prefix}.onoff", [0.0, 1.0])], axis=-1)
    onehot = g.op("Unsqueeze", [onehot, g.const(f"{prefix}.ax2o", [2], np.int64)])
    pooled = g.op("ReduceSum", [g.op("Mul", [hidden, onehot]), g.const(f"{prefix}.ax1r", [1], np.int64)], keepdims=0)
    return g.op("MatMul", [pooled, g.weight(f"{prefix}.proj", [WIDTH, out_dim], 0.3)]), hidden


def bert_text_tower(g, input_ids, attention_mask, token_type_ids, out_dim, prefix):
    """BERT-like: [CLS] features plus the masked mean of all token features (bidirectional), projected."""
    x, _, _ = token_features(g, input_ids, prefix, 512)
    x = g.op("Add", [x, g.op("Gather", [g.weight(f"{prefix}.types", [2, WIDTH], 0.5), token_type_ids])])
    mask = g.op("Unsqueeze", [g.op("Cast", [attention_mask], to=TensorProto.FLOAT), g.const(f"{prefix}.ax2m", [2], np.int64)])
    ax1 = g.const(f"{prefix}.ax1", [1], np.int64)
    mean = g.op("Div", [g.op("ReduceSum", [g.op("Mul", [x, mask]), ax1], keepdims=0), g.op("ReduceSum", [mask, ax1], keepdims=0)])
    cls = g.op("Gather", [x, g.const(f"{prefix}.zero0", 0, np.int64)], axis=1)
    pooled = g.op("Tanh", [g.op("Add", [cls, g.op("MatMul", [mean, g.weight(f"{prefix}.mixm", [WIDTH, WIDTH], 0.7)])])])
    return g.op("MatMul", [pooled, g.weight(f"{prefix}.proj", [WIDTH, out_dim], 0.3)])


def l2_normalise(g, x):
    norm = g.op("ReduceL2", [x, g.const(f"{x}.ax", [-1], np.int64)], keepdims=1)
    return g.op("Div", [x, norm])


def tensor(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def clip(out: Path):
    g = Graph(1)
    embeds = image_tower(g, "pixel_values", 32, 512, "vision")
    g.op("Identity", [embeds], ["image_embeds"])
    vision = g.model("clip-vision", [tensor("pixel_values", TensorProto.FLOAT, ["batch_size", 3, 224, 224])],
                     [tensor("image_embeds", TensorProto.FLOAT, ["batch_size", 512])])
    g = Graph(2)
    embeds, hidden = clip_text_tower(g, "input_ids", "attention_mask", 512, "text")
    g.op("Identity", [embeds], ["text_embeds"])
    g.op("Identity", [hidden], ["last_hidden_state"])
    text = g.model("clip-text", [tensor("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
                                 tensor("attention_mask", TensorProto.INT64, ["batch_size", "sequence_length"])],
                   [tensor("text_embeds", TensorProto.FLOAT, ["batch_size", 512]),
                    tensor("last_hidden_state", TensorProto.FLOAT, ["batch_size", "sequence_length", WIDTH])])
    save(out / "onnx" / "vision_model.onnx", vision)
    save(out / "onnx" / "text_model.onnx", text)
    write_json(out / "config.json", {"model_type": "clip", "projection_dim": 512, "logit_scale_init_value": 2.6592,
                                     "text_config": {"max_position_embeddings": 77},
                                     "vision_config": {"image_size": 224, "patch_size": 32}})
    write_json(out / "preprocessor_config.json", {
        "crop_size": {"height": 224, "width": 224}, "do_center_crop": True, "do_convert_rgb": True,
        "do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": CLIP_MEAN,
        "image_processor_type": "CLIPImageProcessor", "image_std": CLIP_STD, "resample": 3,
        "rescale_factor": 0.00392156862745098, "size": {"shortest_edge": 224}})


def chinese_clip(out: Path):
    g = Graph(3)
    image = l2_normalise(g, image_tower(g, "pixel_values", 16, 512, "vision"))
    text = l2_normalise(g, bert_text_tower(g, "input_ids", "attention_mask", "token_type_ids", 512, "text"))
    g.op("Identity", [image], ["image_embeds"])
    g.op("Identity", [text], ["text_embeds"])
    scale = g.op("Exp", [g.const("logit_scale", CHINESE_CLIP_LOGIT_SCALE)])
    per_text = g.op("Mul", [g.op("MatMul", [text, g.op("Transpose", [image], perm=[1, 0])]), scale], ["logits_per_text"])
    g.op("Transpose", [per_text], ["logits_per_image"], perm=[1, 0])
    model = g.model("chinese-clip", [
        tensor("input_ids", TensorProto.INT64, ["text_batch_size", "sequence_length"]),
        tensor("pixel_values", TensorProto.FLOAT, ["image_batch_size", 3, 224, 224]),
        tensor("attention_mask", TensorProto.INT64, ["text_batch_size", "sequence_length"]),
        tensor("token_type_ids", TensorProto.INT64, ["text_batch_size", "sequence_length"])], [
        tensor("logits_per_image", TensorProto.FLOAT, ["image_batch_size", "text_batch_size"]),
        tensor("logits_per_text", TensorProto.FLOAT, ["text_batch_size", "image_batch_size"]),
        tensor("text_embeds", TensorProto.FLOAT, ["text_batch_size", 512]),
        tensor("image_embeds", TensorProto.FLOAT, ["image_batch_size", 512])])
    save(out / "onnx" / "model.onnx", model)
    write_json(out / "config.json", {"model_type": "chinese_clip", "projection_dim": 512,
                                     "logit_scale_init_value": 2.6592,
                                     "text_config": {"max_position_embeddings": 512},
                                     "vision_config": {"image_size": 224, "patch_size": 16}})
    write_json(out / "preprocessor_config.json", {
        "crop_size": {"height": 224, "width": 224}, "do_center_crop": False, "do_convert_rgb": True,
        "do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": CLIP_MEAN,
        "image_processor_type": "ChineseCLIPImageProcessor", "image_std": CLIP_STD, "resample": 3,
        "rescale_factor": 0.00392156862745098, "size": {"height": 224, "width": 224}})


def resnet50(out: Path):
    g = Graph(4)
    x = g.op("Relu", [g.op("Conv", ["pixel_values", g.weight("stem", [WIDTH, 3, 32, 32], 0.05)],
                           kernel_shape=[32, 32], strides=[32, 32])])
    x = g.op("Conv", [x, g.weight("expand", [2048, WIDTH, 1, 1], 0.5), g.weight("expand.bias", [2048], 0.01)],
             kernel_shape=[1, 1])
    g.op("Relu", [x], ["last_hidden_state"])
    g.op("GlobalAveragePool", ["last_hidden_state"], ["pooler_output"])
    model = g.model("resnet50", [tensor("pixel_values", TensorProto.FLOAT, ["batch_size", 3, 224, 224])],
                    [tensor("last_hidden_state", TensorProto.FLOAT, ["batch_size", 2048, 7, 7]),
                     tensor("pooler_output", TensorProto.FLOAT, ["batch_size", 2048, 1, 1])])
    save(out / "onnx" / "model.onnx", model)
    write_json(out / "config.json", {"model_type": "resnet", "hidden_sizes": [256, 512, 1024, 2048]})


def vgg16(out: Path):
    g = Graph(5)
    x = g.op("Transpose", ["input_1"], perm=[0, 3, 1, 2])
    x = g.op("Relu", [g.op("Conv", [x, g.weight("block1", [WIDTH, 3, 32, 32], 0.002)],
                           kernel_shape=[32, 32], strides=[32, 32])])
    x = g.op("Relu", [g.op("Conv", [x, g.weight("block5", [512, WIDTH, 1, 1], 0.5), g.weight("block5.bias", [512], 0.05)],
                           kernel_shape=[1, 1])])
    x = g.op("GlobalMaxPool", [x])
    g.op("Flatten", [x], ["global_max_pooling2d"], axis=1)
    model = g.model("vgg16", [tensor("input_1", TensorProto.FLOAT, ["unk__batch", 224, 224, 3])],
                    [tensor("global_max_pooling2d", TensorProto.FLOAT, ["unk__batch", 512])])
    save(out / "onnx" / "model.onnx", model)


def save(path: Path, model):
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def write_json(path: Path, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")


def main(models_dir: Path):
    clip(models_dir / "clip")
    chinese_clip(models_dir / "chinese-clip")
    resnet50(models_dir / "resnet50")
    vgg16(models_dir / "vgg16")
    build_tokenizers.main(models_dir)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
