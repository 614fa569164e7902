"""Result files written atomically, as common/core/atomic_file.c does: the text
goes to a temporary file in the same folder, which is then linked into place
(link(2) fails if the name exists, so nothing is ever overwritten) or, with
force, renamed over it. A failure leaves earlier files as they were."""

import errno
import os
import tempfile


def check(path, force=False):
    """Before any work: None, or why path cannot be written (one line): its
    folder missing or not writable, path a folder, or path there already
    without force. Every writer asks this first, so that bad output is bad
    input (exit 2) and not a failure after the work."""
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        return "cannot write '%s': folder '%s': %s" % (path, folder, os.strerror(errno.ENOENT))
    if not os.access(folder, os.W_OK | os.X_OK):
        return "cannot write '%s': folder '%s': %s" % (path, folder, os.strerror(errno.EACCES))
    if os.path.isdir(path):
        return "'%s' is a folder; give a file name" % path
    if not force and os.path.lexists(path):
        return "'%s' exists; not overwriting it (use --force)" % path
    return None


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
