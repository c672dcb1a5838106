//! The integration's image for the marketplace (120x50): "HW" in rust orange with "RUST" beside
//! it in grey, drawn from a 5x7 pixel font on a transparent background.

use crate::xsoar::content::png::{IndexedImage, encode};

/// The marketplace's image size.
pub(super) const WIDTH: u32 = 120;
/// The marketplace's image size.
pub(super) const HEIGHT: u32 = 50;

const TRANSPARENT: u8 = 0;
const ORANGE: u8 = 1;
const GREY: u8 = 2;

/// The glyphs used, 5 columns by 7 rows, `#` for ink.
fn glyph(letter: char) -> [&'static str; 7] {
    match letter {
        'H' => [
            "#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#",
        ],
        'W' => [
            "#...#", "#...#", "#...#", "#.#.#", "#.#.#", "##.##", "#...#",
        ],
        'R' => [
            "####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#",
        ],
        'U' => [
            "#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###.",
        ],
        'S' => [
            ".####", "#....", "#....", ".###.", "....#", "....#", "####.",
        ],
        'T' => [
            "#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#..",
        ],
        _ => ["....."; 7],
    }
}

/// Draws `text` with its top-left corner at (`x`, `y`), each font pixel `scale` pixels wide,
/// one font pixel between letters; returns the x after the last letter.
fn draw(pixels: &mut [u8], text: &str, (x, y): (usize, usize), scale: usize, colour: u8) -> usize {
    let width = WIDTH as usize;
    let mut left = x;
    for letter in text.chars() {
        for (row, line) in glyph(letter).iter().enumerate() {
            for (column, ink) in line.chars().enumerate() {
                if ink != '#' {
                    continue;
                }
                for dy in 0..scale {
                    for dx in 0..scale {
                        let (px, py) = (left + column * scale + dx, y + row * scale + dy);
                        if let Some(pixel) = pixels.get_mut(py * width + px) {
                            *pixel = colour;
                        }
                    }
                }
            }
        }
        left += 6 * scale;
    }
    left
}

/// The image, as a PNG file.
pub(super) fn png() -> Vec<u8> {
    let mut pixels = vec![TRANSPARENT; (WIDTH * HEIGHT) as usize];
    // "HW" 4x (44 px wide, 28 tall) and "RUST" 2x (46 px, 14 tall) on one baseline, centred.
    let after = draw(&mut pixels, "HW", (11, 11), 4, ORANGE);
    draw(&mut pixels, "RUST", (after + 4, 25), 2, GREY);
    encode(&IndexedImage {
        width: WIDTH,
        height: HEIGHT,
        palette: vec![[0, 0, 0, 0], [206, 66, 43, 255], [128, 128, 128, 255]],
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xsoar::content::png::dimensions;

    #[test]
    fn the_image_has_the_marketplace_size_and_stays_small() {
        let png = png();
        assert_eq!(dimensions(&png), Some((WIDTH, HEIGHT)));
        assert!(png.len() < 10_000, "{} bytes", png.len());
    }
}
