"""Staging OUT/plan.json: written to a temporary file beside its place, put in place by
a rename, and undone (the old plan.json back, folders made for it removed) when what
should follow it fails. ``scheduler.cli.publish_plan`` puts a staged plan.json in place
inside the store's transaction, so the store is never ahead of the files.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from scheduler.domain.i18n import Message

PLAN_NAME = "plan.json"


class OutputError(Exception):
    """The output folder cannot take plan.json; ``message`` says why, in either language."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def check_out_dir(out_dir: Path) -> None:
    """``OutputError`` unless plan.json can be written into ``out_dir`` (made when
    missing). Changes nothing: the folder is not made yet, a probe file is removed."""
    target = out_dir / PLAN_NAME
    if target.is_dir():
        raise OutputError(Message("o.plan_is_folder", path=str(target)))
    missing = _missing_folders(out_dir)
    folder = missing[-1].parent if missing else out_dir  # the nearest folder that is there
    if not folder.is_dir():
        raise OutputError(Message("o.not_folder", path=str(out_dir), file=str(folder)))
    # Permission bits say nothing for root, nor for an immutable folder, a read-only
    # mount or /proc: only creating a file there tells.
    try:
        _new_sibling(folder / PLAN_NAME, "probe").unlink()
    except OSError as err:
        raise OutputError(Message("o.unwritable", path=str(out_dir), why=_why(err))) from None


class StagedPlan:
    """plan.json written beside its place and renamed into it (``put``). Until ``done``
    the old plan.json is kept, so that ``undo`` can put it back. The store calls these
    around its commit (``scheduler.store.plan_store.StagedFile``)."""

    def __init__(self, text: str, out_dir: Path) -> None:
        self.text = text
        self.out_dir = out_dir
        self.target = out_dir / PLAN_NAME
        self.backup: Path | None = None  # the old plan.json while the commit is under way
        self.made: list[Path] = []  # folders ``put`` made, deepest first
        self.placed = False

    def put(self) -> None:
        tmp = None
        try:
            self.made = _missing_folders(self.out_dir)
            self.out_dir.mkdir(parents=True, exist_ok=True)
            tmp = _new_sibling(self.target, "tmp", self.text)
            if self.target.is_file():
                self.backup = _keep(self.target)
            os.replace(tmp, self.target)
            self.placed = True
        except OSError as err:
            for leftover in (tmp, self.backup):
                if leftover is not None:
                    leftover.unlink(missing_ok=True)
            self.backup = None
            self._remove_made()
            raise OutputError(Message("o.write_failed", path=str(self.target), why=_why(err))) from None

    def undo(self) -> Message | None:
        """Put the old plan.json back (or remove the new one); a ``Message`` if that failed."""
        if not self.placed:
            return None
        try:
            if self.backup is not None:
                os.replace(self.backup, self.target)
            else:
                self.target.unlink()
                self._remove_made()
        except OSError as err:
            if self.backup is not None:
                return Message("o.not_restored", path=str(self.target), backup=str(self.backup), why=_why(err))
            return Message("o.not_removed", path=str(self.target), why=_why(err))
        self.placed, self.backup = False, None
        return None

    def done(self) -> None:
        if self.backup is not None:
            try:
                self.backup.unlink(missing_ok=True)
            except OSError:
                pass  # the plan is written and recorded; a hidden copy of the old one is left
            self.backup = None

    def _remove_made(self) -> None:
        for folder in self.made:
            try:
                folder.rmdir()
            except OSError:
                break
        self.made = []


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and its parents that are not there yet, deepest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _new_sibling(path: Path, kind: str, text: str = "") -> Path:
    """A new hidden file beside ``path`` holding ``text``, flushed to disk. Its name is
    its own (two planners writing into one folder never share it), and it gets the
    permissions of any new file (mkstemp's would be owner-only)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.{kind}")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _keep(target: Path) -> Path:
    """The old ``target`` under a hidden name beside it: a hard link, or a copy where
    links are not possible (some network drives)."""
    backup = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.old")
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup


def _why(err: OSError) -> str:
    return err.strerror or str(err)
