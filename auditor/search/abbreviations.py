"""Words and the abbreviations code writes for them: "directory" meets ``dir``.

People describe code in whole words; code names things in short forms (``tmp_dir``, ``conn``,
``cfg``, ``buf``). Each group below is one meaning: a query word of a group counts as present
in a unit (``rank.coverage``) when any word of its group is. The table is the common
programming abbreviations, written from general usage, not from the labeled queries.
One-letter forms are left out, and so are forms that nearly every unit contains as a keyword
or a builtin (``def``, ``ret`` beside ``return``, ``zip``).
"""

from __future__ import annotations

_GROUPS = """
address addr
allocate alloc
application app
argument arg args argv
attribute attr attrs
authenticate authentication auth
buffer buf buff
calculate calc
certificate cert
character char chr
command cmd
compare cmp
configuration config cfg conf
connection connect conn
context ctx
count cnt
current cur curr
database db
decrement dec
delete remove rm unlink del
description desc
destination dest dst
dictionary dict
directory folder dir dirs
document doc
element elem
environment environ env
error err errno
exception exc
execute exec
expression expr
extension ext
format fmt
generate gen
hexadecimal hex
identifier ident
image img
increment inc incr
index idx
information info
initialize init
integer int
iterator iter
length len
library lib
maximum max
message msg
milliseconds msec
minimum min
module mod
number num
object obj
package pkg
parameter param params
password passwd pwd
pointer ptr
position pos
previous prev
process proc
property prop
random rand rng
receive recv
reference ref
regular regex
request req
response resp
second sec
sequence seq
signal sig
socket sock
source src
specification spec
statistics stats stat
string str
synchronize sync
system sys
table tbl
temporary temp tmp
text txt
utility util utils
value val
variable var
window win
"""


def groups() -> list[tuple[str, ...]]:
    """Each meaning's words, the whole word first."""
    return [tuple(line.split()) for line in _GROUPS.strip().splitlines()]
