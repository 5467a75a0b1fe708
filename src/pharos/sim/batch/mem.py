"""Software prefetch for the compiled loop (LLVM's ``llvm.prefetch``, as a numba intrinsic).

The run's per-victim records are megabytes (more than this machine's 1 MB of L2 cache per core)
and the events visit them out of order, in time: the first read of a victim's record by an
event was the loop's largest single cost (perf samples on the loads of ``t_det``, ``status``
and ``exists`` of the detected victim). The victims detected next are known in advance (the
detections are a sorted list), so their records can be asked for some events ahead. A prefetch
only warms the cache: it changes no value, and an address out of range is not an error (no
fault, the hint is dropped), although callers pass valid indices only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from llvmlite import ir
from numba import types
from numba.core import cgutils as _cgutils
from numba.extending import intrinsic

cgutils: Any = _cgutils  # numba's code generation helpers (untyped)


@intrinsic
def _prefetch(typingctx: Any, arr: Any, row: Any, col: Any) -> Any:
    """Ask for the cache line of ``arr[row, col]`` (a 2-D array), for reading, kept close."""
    sig = types.void(arr, row, col)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        idx = [
            context.cast(builder, args[1], signature.args[1], types.intp),
            context.cast(builder, args[2], signature.args[2], types.intp),
        ]
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, idx, wraparound=False)
        i32 = ir.IntType(32)
        byte_ptr = ir.IntType(8).as_pointer()
        fnty = ir.FunctionType(ir.VoidType(), [byte_ptr, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        # read (0), high locality (3), data (1)
        builder.call(fn, [builder.bitcast(ptr, byte_ptr), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen


# as the compiled code calls it: prefetch(array, row, column)
prefetch = cast(Callable[[Any, int, int], None], _prefetch)
