//! A minimal PNG encoder for the integration's image (`<Name>_image.png`, 120x50 in the
//! marketplace): an 8-bit palette image, deflate-stored (uncompressed), which keeps the file
//! small enough for a drawing of a few colours and needs no compression library.

/// An image whose pixels are indices into a palette of RGBA colours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedImage {
    /// Pixels per row.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Colours, RGBA; at most 256.
    pub palette: Vec<[u8; 4]>,
    /// One palette index per pixel, row by row.
    pub pixels: Vec<u8>,
}

/// The PNG file of `image`.
pub fn encode(image: &IndexedImage) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend(image.width.to_be_bytes());
    header.extend(image.height.to_be_bytes());
    // Bit depth 8, colour type 3 (palette), deflate, adaptive filtering, no interlace.
    header.extend([8, 3, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    let colours: Vec<u8> = image
        .palette
        .iter()
        .flat_map(|rgba| rgba[..3].to_vec())
        .collect();
    chunk(&mut png, b"PLTE", &colours);
    let alphas: Vec<u8> = image.palette.iter().map(|rgba| rgba[3]).collect();
    chunk(&mut png, b"tRNS", &alphas);
    let width = usize::try_from(image.width).unwrap_or(0).max(1);
    let mut raw = Vec::with_capacity(image.pixels.len() + image.pixels.len() / width);
    for row in image.pixels.chunks(width) {
        raw.push(0); // filter: none
        raw.extend_from_slice(row);
    }
    chunk(&mut png, b"IDAT", &zlib_stored(&raw));
    chunk(&mut png, b"IEND", &[]);
    png
}

/// The width and height a PNG file declares, if it is one.
pub fn dimensions(png: &[u8]) -> Option<(u32, u32)> {
    if png.get(..8)? != b"\x89PNG\r\n\x1a\n" || png.get(12..16)? != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(png.get(16..20)?.try_into().ok()?);
    let height = u32::from_be_bytes(png.get(20..24)?.try_into().ok()?);
    Some((width, height))
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend(u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32(&png[start..]);
    png.extend(crc.to_be_bytes());
}

/// A zlib stream of stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    const BLOCK: usize = 65_535;
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = if data.is_empty() {
        vec![&[]]
    } else {
        data.chunks(BLOCK).collect()
    };
    for (index, block) in blocks.iter().enumerate() {
        out.push(u8::from(index + 1 == blocks.len()));
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend(adler32(data).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFF_u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1_u32, 0_u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_their_reference_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn a_tiny_image_has_the_png_structure_and_its_dimensions() {
        let image = IndexedImage {
            width: 3,
            height: 2,
            palette: vec![[0, 0, 0, 0], [255, 0, 0, 255]],
            pixels: vec![0, 1, 0, 1, 0, 1],
        };
        let png = encode(&image);
        assert_eq!(dimensions(&png), Some((3, 2)));
        assert!(png.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]));
        assert_eq!(dimensions(b"GIF89a"), None);
    }
}
