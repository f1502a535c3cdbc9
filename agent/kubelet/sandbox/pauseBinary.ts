// The pod sandbox's only program, generated here as a tiny static ELF executable, because users may have
// no registry and no compiler: it sleeps in `pause()` forever and exits 0 on SIGTERM or SIGINT, like
// Kubernetes' pause container. The sandbox holds the pod's network, IPC and hostname; nothing runs in it.
//
// Layout: ELF header (64 bytes) + one PT_LOAD program header (56) + code + a kernel `sigaction`. Loaded
// whole at LOAD_ADDRESS, read+execute.
//
// x86-64 code:
//   lea  rsi, [rip + act]        ; the sigaction below
//   xor  edx, edx                ; no old action
//   mov  r10d, 8                 ; sizeof(sigset_t)
//   mov  edi, 15 ; mov eax, 13 ; syscall      rt_sigaction(SIGTERM, act, 0, 8)
//   mov  edi, 2  ; mov eax, 13 ; syscall      rt_sigaction(SIGINT,  act, 0, 8)
// loop:
//   mov  eax, 34 ; syscall ; jmp loop         pause()
// handler:
//   xor  edi, edi ; mov eax, 231 ; syscall    exit_group(0): the handler never returns
// act: { handler, SA_RESTORER, restorer, mask 0 }

const LOAD_ADDRESS = 0x400000n;
const SA_RESTORER = 0x04000000n;
const HEADERS = 64 + 56;

function x8664Code(base: bigint): Buffer {
  const head = Buffer.from([
    0x48,
    0x8d,
    0x35,
    0,
    0,
    0,
    0, // lea rsi, [rip+disp32] (patched below)
    0x31,
    0xd2, // xor edx, edx
    0x41,
    0xba,
    0x08,
    0,
    0,
    0, // mov r10d, 8
    0xbf,
    0x0f,
    0,
    0,
    0, // mov edi, 15
    0xb8,
    0x0d,
    0,
    0,
    0, // mov eax, 13
    0x0f,
    0x05, // syscall
    0xbf,
    0x02,
    0,
    0,
    0, // mov edi, 2
    0xb8,
    0x0d,
    0,
    0,
    0, // mov eax, 13
    0x0f,
    0x05, // syscall
  ]);
  const loop = Buffer.from([0xb8, 0x22, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7]); // mov eax,34; syscall; jmp -9
  const handler = Buffer.from([0x31, 0xff, 0xb8, 0xe7, 0, 0, 0, 0x0f, 0x05]); // xor edi,edi; mov eax,231; syscall
  const code = Buffer.concat([head, loop, handler]);
  const actOffset = code.length;
  head.writeInt32LE(actOffset - 7, 3); // rip points after the 7-byte lea
  const act = Buffer.alloc(32);
  const handlerAddress = base + BigInt(head.length + loop.length);
  act.writeBigUInt64LE(handlerAddress, 0);
  // x86-64 refuses to deliver a signal whose action has no restorer (the task gets SIGSEGV instead); the
  // handler never returns, so the restorer only has to be present: point it at the handler.
  act.writeBigUInt64LE(SA_RESTORER, 8);
  act.writeBigUInt64LE(handlerAddress, 16);
  return Buffer.concat([head, loop, handler, act]);
}

/** A static executable for the given Node.js `process.arch`, or undefined where none is generated yet. */
export function pauseBinary(arch: string = process.arch): Buffer | undefined {
  if (arch !== 'x64') return undefined;
  const entry = LOAD_ADDRESS + BigInt(HEADERS);
  const body = x8664Code(entry);
  const size = BigInt(HEADERS + body.length);
  const elf = Buffer.alloc(64);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // \x7fELF, 64-bit, little endian, version 1, System V
  elf.writeUInt16LE(2, 16); // ET_EXEC
  elf.writeUInt16LE(0x3e, 18); // EM_X86_64
  elf.writeUInt32LE(1, 20); // EV_CURRENT
  elf.writeBigUInt64LE(entry, 24); // e_entry
  elf.writeBigUInt64LE(64n, 32); // e_phoff
  elf.writeBigUInt64LE(0n, 40); // e_shoff: no sections
  elf.writeUInt32LE(0, 48); // e_flags
  elf.writeUInt16LE(64, 52); // e_ehsize
  elf.writeUInt16LE(56, 54); // e_phentsize
  elf.writeUInt16LE(1, 56); // e_phnum
  const ph = Buffer.alloc(56);
  ph.writeUInt32LE(1, 0); // PT_LOAD
  ph.writeUInt32LE(5, 4); // PF_R | PF_X
  ph.writeBigUInt64LE(0n, 8); // p_offset
  ph.writeBigUInt64LE(LOAD_ADDRESS, 16); // p_vaddr
  ph.writeBigUInt64LE(LOAD_ADDRESS, 24); // p_paddr
  ph.writeBigUInt64LE(size, 32); // p_filesz
  ph.writeBigUInt64LE(size, 40); // p_memsz
  ph.writeBigUInt64LE(0x1000n, 48); // p_align
  return Buffer.concat([elf, ph, body]);
}
