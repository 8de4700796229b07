"""How each trainer wants an SFT sample: one row builder per format, and how to train on it.

Every row is one conversation: an optional system message, a user turn holding the figure and
the task's prompt, and the assistant's answer. The four layouts, each checked against the
trainer's own documentation and loader source (the file and commit are in :data:`VERIFIED`):

* ``ms-swift`` — JSON lines ``{"messages": [{"role", "content"}...], "images": [path]}``; the
  ``<image>`` tag marks where the figure goes in the user text. Keys other than ms-swift's
  standard ones (``id``, ``task``) are dropped by its preprocessor.
* ``llamafactory`` — JSON lines in LLaMA-Factory's *sharegpt* layout (``conversations`` of
  ``{"from": "human"|"gpt", "value"}``, ``system`` and ``images`` columns, ``<image>`` tag) plus
  the ``dataset_info.json`` entries that map those columns.
* ``trl`` — Parquet with HuggingFace ``datasets`` features: ``messages`` whose contents are typed
  parts (``{"type": "image"}`` / ``{"type": "text", "text"}``) and ``images``, a list of
  ``Image`` values with the PNG bytes inside, so ``load_dataset("parquet", ...)`` gives PIL
  images, which is what TRL's vision collator passes to the processor.
* ``sharegpt`` — JSON lines ``{"conversations": [{"from": "system"|"human"|"gpt", "value"}],
  "images": [path]}``, the generic ShareGPT layout (the system prompt is the first turn).

Image paths are relative to the export directory (``images/ab/ID.png``), so the directory can
be moved; the card says how each trainer resolves them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["FORMATS", "IMAGE_TAG", "VERIFIED", "Sample", "TrainerFormat", "trainer_format"]

#: The placeholder ms-swift, LLaMA-Factory and ShareGPT data put where the image goes.
IMAGE_TAG = "<image>"

#: Where each layout was checked: repository, commit and the files read.
VERIFIED: dict[str, str] = {
    "ms-swift": (
        "modelscope/ms-swift@3602360a562313afbf2ef6065fdf61f271a2c5b9: "
        "docs/source_en/Customization/Custom-dataset.md (Multimodal), "
        "swift/dataset/preprocessor/core.py (standard keys, sharegpt roles), "
        "swift/template/vision_utils.py (_check_path: relative paths, ROOT_IMAGE_DIR)"
    ),
    "llamafactory": (
        "hiyouga/LLaMA-Factory@ff6d4d12eeb035d6ce06805a5733dd7b29f2ac30: "
        "data/README.md (Sharegpt Format, Multimodal Image Dataset), "
        "src/llamafactory/data/parser.py (dataset_info.json keys), "
        "src/llamafactory/data/converter.py (SharegptDatasetConverter, media_dir), "
        "src/llamafactory/data/loader.py and extras/constants.py (jsonl files, <image>)"
    ),
    "trl": (
        "huggingface/trl@f2cd57710ae345ea6428ae95363267fcf38a3dc8: "
        "docs/source/dataset_formats.md (Vision datasets); trl 1.16.0 as installed: "
        "trl/data_utils.py (prepare_multimodal_messages), trl/trainer/sft_trainer.py "
        "(DataCollatorForVisionLanguageModeling)"
    ),
    "sharegpt": (
        "hiyouga/LLaMA-Factory@ff6d4d12eeb035d6ce06805a5733dd7b29f2ac30: data/README.md "
        "(Sharegpt Format, system tag); "
        "modelscope/ms-swift@3602360a562313afbf2ef6065fdf61f271a2c5b9: "
        "swift/dataset/preprocessor/core.py (MessagesPreprocessor: from/value, human/gpt, system)"
    ),
}


@dataclass(frozen=True)
class Sample:
    """One training conversation, before it takes a trainer's shape.

    ``image`` is the PNG (bytes) and ``image_path`` its file relative to the export directory
    (None for a format that embeds the image)."""

    id: str
    task: str
    system: str | None
    prompt: str
    answer: str
    image: bytes
    image_path: str | None


@dataclass(frozen=True)
class TrainerFormat:
    """A trainer's layout: the file suffix of its splits, whether images are files beside the
    data (else embedded), whether its text marks the image with :data:`IMAGE_TAG`, and the row
    builder."""

    name: str
    suffix: str
    image_files: bool
    image_tag: bool
    row: Callable[[Sample], dict[str, Any]]


def _ms_swift(s: Sample) -> dict[str, Any]:
    messages = [] if s.system is None else [{"role": "system", "content": s.system}]
    messages += [
        {"role": "user", "content": IMAGE_TAG + s.prompt},
        {"role": "assistant", "content": s.answer},
    ]
    return {"id": s.id, "task": s.task, "messages": messages, "images": [s.image_path]}


def _llamafactory(s: Sample) -> dict[str, Any]:
    return {
        "id": s.id,
        "task": s.task,
        "system": s.system or "",
        "conversations": [
            {"from": "human", "value": IMAGE_TAG + s.prompt},
            {"from": "gpt", "value": s.answer},
        ],
        "images": [s.image_path],
    }


def _sharegpt(s: Sample) -> dict[str, Any]:
    turns = [] if s.system is None else [{"from": "system", "value": s.system}]
    turns += [{"from": "human", "value": IMAGE_TAG + s.prompt}, {"from": "gpt", "value": s.answer}]
    return {"id": s.id, "task": s.task, "conversations": turns, "images": [s.image_path]}


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def _trl(s: Sample) -> dict[str, Any]:
    # Every content is a list of typed parts (the system's and the answer's too), so the
    # column has one Arrow type; an image part's "text" is null.
    messages = [] if s.system is None else [{"role": "system", "content": [_text(s.system)]}]
    messages += [
        {"role": "user", "content": [{"type": "image", "text": None}, _text(s.prompt)]},
        {"role": "assistant", "content": [_text(s.answer)]},
    ]
    return {
        "id": s.id,
        "task": s.task,
        "messages": messages,
        "images": [{"bytes": s.image, "path": None}],
    }


FORMATS: dict[str, TrainerFormat] = {
    "ms-swift": TrainerFormat("ms-swift", ".jsonl", True, True, _ms_swift),
    "llamafactory": TrainerFormat("llamafactory", ".jsonl", True, True, _llamafactory),
    "trl": TrainerFormat("trl", ".parquet", False, False, _trl),
    "sharegpt": TrainerFormat("sharegpt", ".jsonl", True, True, _sharegpt),
}


def trainer_format(name: str) -> TrainerFormat:
    """The layout called ``name`` (one of :data:`FORMATS`)."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}") from None


# ---- the Parquet schema of the trl layout ---------------------------------------------------


def trl_arrow_schema() -> Any:
    """The Arrow schema of a ``trl`` split, with the ``datasets`` features in its metadata (the
    images decode to PIL; a list is written ``[feature]``, which every ``datasets`` version
    reads as a list of that feature)."""
    import pyarrow as pa

    part = pa.struct([("type", pa.string()), ("text", pa.string())])
    message = pa.struct([("role", pa.string()), ("content", pa.list_(part))])
    image = pa.struct([("bytes", pa.binary()), ("path", pa.string())])
    string = {"dtype": "string", "_type": "Value"}
    features = {
        "id": string,
        "task": string,
        "messages": [{"role": string, "content": [{"type": string, "text": string}]}],
        "images": [{"_type": "Image"}],
    }
    meta = {b"huggingface": json.dumps({"info": {"features": features}}).encode()}
    return pa.schema(
        [
            ("id", pa.string()),
            ("task", pa.string()),
            ("messages", pa.list_(message)),
            ("images", pa.list_(image)),
        ],
        metadata=meta,
    )


# ---- the dataset_info.json of the llamafactory layout ---------------------------------------

#: Names of the dataset_info.json entries (what ``dataset:`` / ``eval_dataset:`` name).
LLAMAFACTORY_NAMES = {"train": "codepercept_train", "val": "codepercept_val"}


def llamafactory_dataset_info(files: dict[str, str]) -> dict[str, Any]:
    """``dataset_info.json`` for the split files (``{"train": "train.jsonl", ...}``): the
    sharegpt formatting, the column mapping and the role tags, spelled out."""
    entry = {
        "formatting": "sharegpt",
        "columns": {"messages": "conversations", "system": "system", "images": "images"},
        "tags": {
            "role_tag": "from",
            "content_tag": "value",
            "user_tag": "human",
            "assistant_tag": "gpt",
        },
    }
    return {
        LLAMAFACTORY_NAMES[split]: {"file_name": name, **entry} for split, name in files.items()
    }


# ---- how to train (the dataset card's section) ----------------------------------------------


def how_to_train(fmt: str, files: dict[str, str]) -> str:
    """Markdown: the commands that train on this export with its trainer (``files``: the split
    files written, ``{"train": ..., "val": ...}``; ``val`` absent when the split is empty)."""
    train, val = files["train"], files.get("val")
    if fmt == "ms-swift":
        val_flag = f" \\\n    --val_dataset {val}" if val else ""
        return (
            "Image paths are relative to this directory: run from here, or set "
            "`ROOT_IMAGE_DIR` to it (ms-swift joins relative paths to it).\n\n"
            "```bash\n"
            "cd /path/to/this/export\n"
            "MAX_PIXELS=1310720 swift sft \\\n"
            "    --model Qwen/Qwen3-VL-8B-Instruct \\\n"
            f"    --dataset {train}{val_flag} \\\n"
            "    --num_train_epochs 1\n"
            "```\n\n"
            "`MAX_PIXELS` is the paper's image budget (1,310,720 pixels; ms-swift turns it into "
            "`IMAGE_MAX_TOKEN_NUM` for Qwen3-VL). Add your own batch size, learning rate and "
            "tuner options; the paper trains captioning and image-to-code jointly for one "
            "epoch (S1)."
        )
    if fmt == "llamafactory":
        eval_line = f"eval_dataset: {LLAMAFACTORY_NAMES['val']}\n" if val else ""
        return (
            "`dataset_info.json` here names the splits; point `dataset_dir` at this directory "
            "(`media_dir` defaults to it, and image paths are relative to it).\n\n"
            "```yaml\n"
            "model_name_or_path: Qwen/Qwen3-VL-8B-Instruct\n"
            "image_max_pixels: 1310720\n"
            "stage: sft\n"
            "do_train: true\n"
            "finetuning_type: full\n"
            "template: qwen3_vl_nothink\n"
            "dataset_dir: /path/to/this/export\n"
            f"dataset: {LLAMAFACTORY_NAMES['train']}\n"
            f"{eval_line}"
            "num_train_epochs: 1.0\n"
            "output_dir: saves/codepercept-sft\n"
            "```\n\n"
            "Then `llamafactory-cli train that.yaml`."
        )
    if fmt == "trl":
        val_line = f', "validation": "{val}"' if val else ""
        eval_arg = ', eval_dataset=ds["validation"]' if val else ""
        return (
            "The images are inside the Parquet files (PIL images once loaded); nothing else "
            "is needed.\n\n"
            "```python\n"
            "from datasets import load_dataset\n"
            "from trl import SFTConfig, SFTTrainer\n\n"
            f'ds = load_dataset("parquet", data_files={{"train": "{train}"{val_line}}})\n'
            "trainer = SFTTrainer(\n"
            '    model="Qwen/Qwen3-VL-8B-Instruct",\n'
            '    args=SFTConfig(output_dir="codepercept-sft", num_train_epochs=1, '
            "max_length=None),\n"
            f'    train_dataset=ds["train"]{eval_arg},\n'
            ")\n"
            "trainer.train()\n"
            "```\n\n"
            '`messages` holds typed parts (`{"type": "image"}`, `{"type": "text"}`) and '
            "`images` the figure, the conversational vision layout TRL's SFTTrainer collates "
            "(`max_length=None` keeps image tokens from being truncated)."
        )
    if fmt == "sharegpt":
        return (
            "Generic ShareGPT rows: `conversations` (`system`, `human`, `gpt` turns) and "
            "`images` (paths relative to this directory, `<image>` marks the figure in the "
            "human turn). ms-swift reads them as they are (`--dataset` a split file, run from "
            "here); LLaMA-Factory needs a `dataset_info.json` entry with "
            '`"formatting": "sharegpt"` and `"columns": {"messages": "conversations", '
            '"images": "images"}` (the system turn is taken from the first turn).'
        )
    raise ValueError(f"unknown format {fmt!r}")
