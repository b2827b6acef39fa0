package dev.strata.tar;

/** The kind of a filesystem entry, from the {@code S_IFMT} bits of {@code st_mode}. */
enum FileType {
  REGULAR,
  DIRECTORY,
  SYMLINK,
  CHAR_DEVICE,
  BLOCK_DEVICE,
  FIFO,
  SOCKET;

  private static final int S_IFMT = 0170000;

  static FileType ofMode(int mode) {
    return switch (mode & S_IFMT) {
      case 0100000 -> REGULAR;
      case 0040000 -> DIRECTORY;
      case 0120000 -> SYMLINK;
      case 0020000 -> CHAR_DEVICE;
      case 0060000 -> BLOCK_DEVICE;
      case 0010000 -> FIFO;
      case 0140000 -> SOCKET;
      default -> throw new IllegalArgumentException("unknown file type in mode " + Integer.toOctalString(mode));
    };
  }

  boolean isDevice() {
    return this == CHAR_DEVICE || this == BLOCK_DEVICE;
  }
}
