"""An installed package's zero-cost proxy keeps what its decorator declares when its entry point loads it."""
from __future__ import annotations

import subprocess
import sys
import textwrap


def test_a_data_free_proxy_from_an_entry_point_scores_where_no_images_load(tmp_path, data_dir):
    """Its entry point names the decorated function; loading it replaced the Proxy its decorator registered with
    the bare function, which counted as reading images: ``nasloop proxies`` refused it on CIFAR-100."""
    (tmp_path / "shape_proxies.py").write_text(textwrap.dedent('''
        from nasloop.engine.evaluators.proxies import register_proxy

        @register_proxy("batch-size", needs_data=False)
        def batch_size(net, inputs, targets):
            """Reads only the batch's shape."""
            return float(inputs.shape[0])
    '''))
    dist = tmp_path / "shape_proxies-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: shape-proxies\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[nasloop.proxies]\nbatch-size = shape_proxies:batch_size\n")
    script = textwrap.dedent(f'''
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        from nasloop.engine.cli import main
        sys.exit(main(["proxies", "--space", "nb201", "--space-opt", "channels=4", "--sample", "1",
                       "--proxies", "batch-size", "--dataset", "cifar100", "--batch-size", "2",
                       "--data-dir", {str(data_dir)!r}, "--json"]))
    ''')
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert '"batch-size": 2.0' in run.stdout
