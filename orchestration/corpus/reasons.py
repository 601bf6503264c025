"""The words of the quarantine reasons the parse stage writes itself, beside the parser's:
for a raw entry that holds no file to read (``entries``) and for a file whose parse ended
its process (``pool``). They are data, kept here, because they are rows: this module's
bytes are part of the rows' version (``rows.ROWS_VERSION``), so a change to a word
reaches the rows of the files kept from earlier runs, as a full run would write them."""

from __future__ import annotations

# A raw entry that opened but is not a regular file, by kind (``stat.S_IS*`` names).
NOT_A_FILE_KINDS = {
    "S_ISFIFO": "a named pipe (FIFO)",
    "S_ISSOCK": "a socket",
    "S_ISCHR": "a character device",
    "S_ISBLK": "a block device",
}
OTHER_KIND = "not a regular file"
NOT_A_FILE = "{kind}, not a file: not read"
LINK_LOOPS = "a link that never reaches a file (it loops): {error}"
LINK_TO_NOTHING = "a link to a file that is not there"
LINK_TO_ITS_HOLDER = "a link to {where}, which holds it: not followed (its files are listed there)"
THE_RAW_FOLDER = "the raw folder"
FOLDER_NOT_LISTED = "the folder could not be listed: {error}; its files are not in the tables"
FOLDER_LISTED_NOW = ("the folder could not be listed when the run listed the raw folder, and can be now: the next "
                     "run lists its files")

# A file parsed alone, in a process of its own, after its worker died.
PARSE_MEMORY_LIMIT = ("the parse of this file held more than the memory limit of {limit_mb} MB "
                      "(OGI_WORKER_MEMORY_MB) and was stopped; it was not parsed")
PARSE_TIMEOUT = ("the parse of this file ran past the time limit of {limit_s:g} s (OGI_FILE_TIME_LIMIT_S) and "
                 "was stopped; it was not parsed")
WORKER_DIED = "the parse worker died on this file twice, parsed alone ({how}); it was not parsed"
KILLED_BY = "killed by {signal}"
OUT_OF_MEMORY_KILLER = ", as the out-of-memory killer does"
UNKNOWN_SIGNAL = "signal {number}"
EXIT_CODE = "exit code {code}"
