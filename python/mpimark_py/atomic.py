"""Result files written atomically, as common/core/atomic_file.c does: the text
goes to a temporary file in the same folder, which is then linked into place
(link(2) fails if the name exists, so nothing is ever overwritten) or, with
force, renamed over it. A failure leaves earlier files as they were."""

import os
import tempfile


def write(path, text, force=False):
    """Writes text to path; returns None, or why it failed (one line)."""
    folder = os.path.dirname(path) or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix=".%s.tmp-" % os.path.basename(path), dir=folder)
    except OSError as e:
        return "cannot create a temporary file in '%s': %s" % (folder, e.strerror)
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        with os.fdopen(fd, "w", encoding="utf-8") as fp:
            fp.write(text)
            fp.flush()
            os.fsync(fp.fileno())
    except OSError as e:
        os.unlink(tmp)
        return "cannot write '%s': %s" % (path, e.strerror)
    try:
        if force:
            os.rename(tmp, path)
        else:
            os.link(tmp, path)
            os.unlink(tmp)
    except OSError as e:
        os.unlink(tmp)
        if e.errno == 17:  # EEXIST
            return "'%s' exists; not overwriting it" % path
        return "cannot create '%s': %s" % (path, e.strerror)
    return None
