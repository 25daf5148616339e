# nftables tables of many namespaces, loaded by one process through libnftables (what the `nft`
# program is a thin front end of), entering each namespace in turn.
#
# Why: `up` loads one table per namespace that has NAT or a firewall; one `nsenter ... nft -f -`
# each cost ~29 ms here (two programs started, libnftables' set-up, a netlink cache), while
# parsing a 20-rule firewall and committing it takes ~1-2 ms. A 1,000-host design whose hosts all
# have firewalls spent its whole `up` there.
#
# libnftables keeps its netlink socket in the namespace the context was made in, so each table
# gets a context made after entering its namespace. Same library, same input text, same messages
# as `nft -f -`; errors are the library's own text (what nft prints). Where libnftables cannot be
# loaded every table is handed back, and the caller runs nft.
import ctypes

_lib = None


def library():
    """libnftables through ctypes, or None where it cannot be loaded."""
    global _lib
    if _lib is None:
        try:
            lib = ctypes.CDLL('libnftables.so.1')
        except OSError:
            _lib = False
            return None
        lib.nft_ctx_new.restype = ctypes.c_void_p
        lib.nft_ctx_new.argtypes = [ctypes.c_uint32]
        lib.nft_ctx_free.argtypes = [ctypes.c_void_p]
        lib.nft_ctx_buffer_output.argtypes = [ctypes.c_void_p]
        lib.nft_ctx_buffer_error.argtypes = [ctypes.c_void_p]
        lib.nft_ctx_get_error_buffer.argtypes = [ctypes.c_void_p]
        lib.nft_ctx_get_error_buffer.restype = ctypes.c_char_p
        lib.nft_run_cmd_from_buffer.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        _lib = lib
    return _lib or None


def load(lib, text):
    """Run an nft script in the current namespace; None, or the library's error text."""
    ctx = lib.nft_ctx_new(0)
    if not ctx:
        return 'libnftables could not make a context'
    try:
        lib.nft_ctx_buffer_output(ctx)
        lib.nft_ctx_buffer_error(ctx)
        if lib.nft_run_cmd_from_buffer(ctx, text.encode()) == 0:
            return None
        return (lib.nft_ctx_get_error_buffer(ctx) or b'').decode(errors='replace').strip() or 'nft failed'
    finally:
        lib.nft_ctx_free(ctx)
