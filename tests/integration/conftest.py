import os
import shutil
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from tg_httpd import Certs, Httpd  # noqa: E402


@pytest.fixture(scope="session")
def certs():
    root = tempfile.mkdtemp(prefix="tlsguard-pki-")
    os.chmod(root, 0o755)
    yield Certs(root)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def make_httpd(certs):
    """Factory for private httpd instances, all stopped at the end of the test.
    Each gets a fresh ServerRoot that the unprivileged worker user can read.
    Under the sanitizers, any ASan or UBSan report one of them wrote fails the
    test."""
    made = []

    def make(mpm="event"):
        root = tempfile.mkdtemp(prefix="tlsguard-httpd-")
        os.chmod(root, 0o755)
        h = Httpd(root, certs, mpm=mpm)
        made.append(h)
        return h

    yield make
    reports = {}
    for h in made:
        h.stop()
        reports.update(h.sanitizer_reports())
        shutil.rmtree(h.root, ignore_errors=True)
    assert not reports, "sanitizer reports:\n" + "\n".join(
        "== %s\n%s" % (path, text[:4000]) for path, text in reports.items())


@pytest.fixture
def httpd(make_httpd):
    return make_httpd()
