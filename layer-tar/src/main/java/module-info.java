/**
 * The layer tar engine: applies a layer tar onto a directory (whiteouts, every file type, xattrs,
 * compression by magic, DiffID while streaming, hostile entries refused) and turns two trees into
 * a layer tar or a {@code docker diff} list.
 */
@SuppressWarnings("requires-automatic") // zstd-jni
module dev.strata.tar {
  requires transitive dev.strata.driver;
  requires dev.strata.files;
  requires dev.strata.posix;
  requires com.github.luben.zstd_jni;
  requires org.apache.commons.compress;
  requires org.tukaani.xz;

  exports dev.strata.tar;
}
