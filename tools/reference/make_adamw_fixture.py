"""Writes test/fixtures/adamw.json: torch.optim.AdamW trajectories and the linear warm-up schedule."""
import json
import pathlib

import torch
from transformers import get_linear_schedule_with_warmup

torch.manual_seed(0)
out = {}
for name, kwargs in {"default": {}, "weight_decay": {"weight_decay": 0.01, "betas": (0.8, 0.99), "eps": 1e-6}}.items():
    p = torch.nn.Parameter(torch.randn(7))
    init = p.detach().clone().tolist()
    opt = torch.optim.AdamW([p], lr=1e-3, **{"weight_decay": 0.0, **kwargs})
    sched = get_linear_schedule_with_warmup(opt, num_warmup_steps=2, num_training_steps=6)
    grads, lrs, params = [], [], []
    for step in range(5):
        g = torch.randn(7)
        lrs.append(opt.param_groups[0]["lr"])
        p.grad = g.clone()
        opt.step()
        sched.step()
        grads.append(g.tolist())
        params.append(p.detach().clone().tolist())
    out[name] = {"init": init, "grads": grads, "lrs": lrs, "params": params, "peak_lr": 1e-3, "warmup": 2, "total": 6,
                 "betas": list(kwargs.get("betas", (0.9, 0.999))), "eps": kwargs.get("eps", 1e-8),
                 "weight_decay": kwargs.get("weight_decay", 0.0)}
path = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "adamw.json"
path.write_text(json.dumps(out, indent=1))
print(path)
