//! Checks of an uploaded frame, cheapest first and decoding last.

use crate::monitoring::settings::MonitorSettings;

/// What is wrong with an uploaded frame.
#[derive(Debug, PartialEq, Eq)]
pub enum JpegProblem {
    /// Not a JPEG at all (415).
    NotJpeg,
    /// Starts like a JPEG but cannot be decoded (422).
    Corrupt,
    /// Its declared width or height is out of bounds (422).
    BadSize,
}

/// The first bytes of every JPEG (SOI marker, then another marker).
pub const JPEG_MAGIC: [u8; 3] = [0xFF, 0xD8, 0xFF];

/// The last bytes of every complete JPEG (EOI marker).
const JPEG_EOI: [u8; 2] = [0xFF, 0xD9];

/// Checks, cheapest first and decoding last: magic bytes, the dimensions the header declares
/// (a small file declaring a huge image is refused before the decoder allocates for it), then a
/// full decode bounded to those dimensions; returns (width, height).
pub fn check_jpeg(bytes: &[u8], s: &MonitorSettings) -> Result<(u32, u32), JpegProblem> {
    if !bytes.starts_with(&JPEG_MAGIC) {
        return Err(JpegProblem::NotJpeg);
    }
    // The decoder fills a truncated scan with grey: a JPEG must end with its EOI marker.
    if !bytes.ends_with(&JPEG_EOI) {
        return Err(JpegProblem::Corrupt);
    }
    let reader = || image::ImageReader::with_format(std::io::Cursor::new(bytes), image::ImageFormat::Jpeg);
    let (w, h) = reader().into_dimensions().map_err(|_| JpegProblem::Corrupt)?;
    let ok = |side: u32| (s.min_side..=s.max_side).contains(&side);
    if !ok(w) || !ok(h) {
        return Err(JpegProblem::BadSize);
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(s.max_side);
    limits.max_image_height = Some(s.max_side);
    let mut decoder = reader();
    decoder.limits(limits);
    let image = decoder.decode().map_err(|_| JpegProblem::Corrupt)?;
    if (image.width(), image.height()) == (w, h) { Ok((w, h)) } else { Err(JpegProblem::Corrupt) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_checks() {
        let s = MonitorSettings::defaults(std::path::Path::new("/tmp"));
        assert_eq!(check_jpeg(b"\x89PNG\r\n", &s), Err(JpegProblem::NotJpeg));
        assert_eq!(check_jpeg(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 1, 2], &s), Err(JpegProblem::Corrupt));
        let mut small = Vec::new();
        image::DynamicImage::new_rgb8(8, 8)
            .write_to(&mut std::io::Cursor::new(&mut small), image::ImageFormat::Jpeg)
            .expect("encode");
        assert_eq!(check_jpeg(&small, &s), Err(JpegProblem::BadSize));
        let mut good = Vec::new();
        image::DynamicImage::new_rgb8(64, 48)
            .write_to(&mut std::io::Cursor::new(&mut good), image::ImageFormat::Jpeg)
            .expect("encode");
        assert_eq!(check_jpeg(&good, &s), Ok((64, 48)));
        // Cut anywhere after the header, it is refused (the decoder alone would pad it).
        for cut in [good.len() - 1, good.len() / 2, good.len() - 10] {
            assert_eq!(check_jpeg(&good[..cut], &s), Err(JpegProblem::Corrupt), "cut at {cut}");
        }
        // A valid small JPEG whose header declares 30000×30000: refused from the header alone
        // (BadSize), where a decode would have failed on its allocation or its missing data.
        assert_eq!(check_jpeg(&with_declared_size(&good, 30_000, 30_000), &s), Err(JpegProblem::BadSize));
    }

    /// `jpeg` with the dimensions of its SOF0 header replaced.
    fn with_declared_size(jpeg: &[u8], width: u16, height: u16) -> Vec<u8> {
        let mut out = jpeg.to_vec();
        let sof = out.windows(2).position(|w| w == [0xFF, 0xC0]).expect("baseline JPEG");
        out[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
        out[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
        out
    }
}
