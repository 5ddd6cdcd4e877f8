import os
import shutil
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))

from tg_httpd import Certs  # noqa: E402
from tg_nginx import MODULE, Nginx  # noqa: E402


@pytest.fixture(scope="session")
def certs():
    assert MODULE and os.path.exists(MODULE), \
        "TG_NGINX_MODULE names no built module: run make check-nginx"
    root = tempfile.mkdtemp(prefix="tlsguard-pki-")
    os.chmod(root, 0o755)
    yield Certs(root)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def make_nginx(certs):
    """Factory for private nginx instances, all stopped at the end of the test.
    A worker that crashed ("[alert] ... exited on signal") fails the test."""
    made = []

    def make():
        root = tempfile.mkdtemp(prefix="tlsguard-nginx-")
        os.chmod(root, 0o755)
        n = Nginx(root, certs)
        made.append(n)
        return n

    yield make
    crashes, reports = [], {}
    for n in made:
        n.stop()
        crashes += [l for l in n.log().splitlines() if "exited on signal" in l]
        reports.update(n.sanitizer_reports())
        shutil.rmtree(n.root, ignore_errors=True)
    assert not crashes, "\n".join(crashes)
    assert not reports, "sanitizer reports:\n" + "\n".join(
        "== %s\n%s" % (path, text[:4000]) for path, text in reports.items())


@pytest.fixture
def nginx(make_nginx):
    return make_nginx()


@pytest.fixture(scope="module")
def make_module_nginx(certs):
    """One private nginx shared by a module's tests."""
    root = tempfile.mkdtemp(prefix="tlsguard-nginx-")
    os.chmod(root, 0o755)
    n = Nginx(root, certs)
    os.makedirs(os.path.join(root, "logs"), exist_ok=True)
    yield n
    n.stop()
    crashes = [l for l in n.log().splitlines() if "exited on signal" in l]
    reports = n.sanitizer_reports()
    shutil.rmtree(root, ignore_errors=True)
    assert not crashes, "\n".join(crashes)
    assert not reports, "sanitizer reports:\n" + "\n".join(
        "== %s\n%s" % (path, text[:4000]) for path, text in reports.items())
