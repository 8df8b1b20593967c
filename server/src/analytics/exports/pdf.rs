//! A small A4 report writer over printpdf's drawing operations: headings, text, key/value and
//! column tables, bar charts, automatic page breaks (table headers repeated) and "page i / n"
//! footers. DejaVu Sans is embedded (subset) so accented text renders in every viewer.

use printpdf::{
    Color, FontId, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect,
    Rgb, TextItem, WindingOrder,
};

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 18.0;
const BOTTOM: f32 = 20.0;

/// A report being written.
pub struct Report {
    doc: PdfDocument,
    regular: FontId,
    bold: FontId,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    y: f32,
    footer: String,
}

/// Parses an embedded font (the bytes are a known-good TTF shipped by the `dejavu` crate).
fn font(bytes: &[u8]) -> anyhow::Result<ParsedFont> {
    ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or_else(|| anyhow::anyhow!("embedded font unreadable"))
}

fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb { r, g, b, icc_profile: None })
}

impl Report {
    /// A new report; `footer` is printed with the page numbers on every page.
    pub fn new(title: &str, footer: &str) -> anyhow::Result<Self> {
        let mut doc = PdfDocument::new(title);
        let regular = doc.add_font(&font(dejavu::sans::regular())?);
        let bold = doc.add_font(&font(dejavu::sans::bold())?);
        Ok(Self {
            doc,
            regular,
            bold,
            pages: Vec::new(),
            ops: Vec::new(),
            y: PAGE_H - MARGIN,
            footer: footer.to_owned(),
        })
    }

    fn text_at(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        let font = if bold { self.bold.clone() } else { self.regular.clone() };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: rgb(0.1, 0.1, 0.15) },
            Op::SetFont { font: PdfFontHandle::External(font), size: Pt(size) },
            Op::SetTextCursor { pos: Point::new(Mm(x), Mm(y)) },
            Op::ShowText { items: vec![TextItem::Text(text.to_owned())] },
            Op::EndTextSection,
        ]);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        self.ops.push(Op::SetFillColor { col: color });
        let mut rectangle = Rect::from_xywh(Mm(x).into_pt(), Mm(y).into_pt(), Mm(w).into_pt(), Mm(h).into_pt());
        rectangle.mode = Some(PaintMode::Fill);
        rectangle.winding_order = Some(WindingOrder::NonZero);
        self.ops.push(Op::DrawRectangle { rectangle });
    }

    /// Starts a new page.
    pub fn page_break(&mut self) {
        let ops = std::mem::take(&mut self.ops);
        self.pages.push(ops);
        self.y = PAGE_H - MARGIN;
    }

    /// Breaks the page unless `mm` of height are left.
    fn ensure(&mut self, mm: f32) -> bool {
        if self.y - mm < BOTTOM {
            self.page_break();
            true
        } else {
            false
        }
    }

    /// The report's title.
    pub fn title(&mut self, text: &str) {
        self.ensure(14.0);
        self.y -= 8.0;
        self.text_at(MARGIN, self.y, 18.0, true, text);
        self.y -= 6.0;
    }

    /// A section heading.
    pub fn heading(&mut self, text: &str) {
        self.ensure(16.0);
        self.y -= 7.0;
        self.text_at(MARGIN, self.y, 13.0, true, text);
        self.y -= 3.0;
    }

    /// A paragraph, wrapped at word boundaries to the page width.
    pub fn line(&mut self, text: &str) {
        for part in wrap(text, PAGE_W - 2.0 * MARGIN, 10.0) {
            self.ensure(6.0);
            self.y -= 5.5;
            self.text_at(MARGIN, self.y, 10.0, false, &part);
        }
    }

    /// Label / value pairs in two columns.
    pub fn facts(&mut self, rows: &[(String, String)]) {
        for (label, value) in rows {
            self.ensure(6.0);
            self.y -= 5.5;
            self.text_at(MARGIN, self.y, 10.0, false, &fit(label, 70.0, 10.0));
            self.text_at(MARGIN + 72.0, self.y, 10.0, true, &fit(value, PAGE_W - 2.0 * MARGIN - 72.0, 10.0));
        }
    }

    /// A table: `widths` in mm per column; the header row is repeated after each page break.
    pub fn table(&mut self, headers: &[&str], widths: &[f32], rows: &[Vec<String>]) {
        self.table_header(headers, widths);
        for row in rows {
            if self.ensure(6.0) {
                self.table_header(headers, widths);
            }
            self.y -= 5.5;
            let mut x = MARGIN;
            for (cell, w) in row.iter().zip(widths) {
                self.text_at(x, self.y, 9.0, false, &fit(cell, *w - 1.5, 9.0));
                x += w;
            }
        }
    }

    fn table_header(&mut self, headers: &[&str], widths: &[f32]) {
        self.ensure(14.0);
        self.y -= 6.5;
        self.rect(MARGIN, self.y - 1.8, widths.iter().sum(), 6.0, rgb(0.92, 0.93, 0.97));
        let mut x = MARGIN;
        for (h, w) in headers.iter().zip(widths) {
            self.text_at(x, self.y, 8.0, true, &fit(h, *w - 1.5, 8.0));
            x += w;
        }
    }

    /// A bar chart of `points` (label, value) with the values printed above the bars.
    pub fn bar_chart(&mut self, points: &[(String, f64)]) {
        let height = 45.0;
        self.ensure(height + 14.0);
        let base = self.y - height - 4.0;
        let max = crate::views::charts::nice_max(points.iter().map(|p| p.1).fold(0.0, f64::max)) as f32;
        let width = PAGE_W - 2.0 * MARGIN;
        let slot = width / points.len().max(1) as f32;
        self.rect(MARGIN, base, width, 0.3, rgb(0.4, 0.4, 0.45));
        for (i, (label, value)) in points.iter().enumerate() {
            let h = (*value as f32 / max) * height;
            let x = MARGIN + slot * i as f32 + slot * 0.15;
            if h > 0.0 {
                self.rect(x, base, slot * 0.7, h, rgb(0.24, 0.32, 0.71));
            }
            self.text_at(x, base + h + 1.5, 8.0, true, &crate::views::charts::shown(*value));
            self.text_at(x, base - 4.5, 7.5, false, &fit(label, slot, 7.5));
        }
        self.y = base - 8.0;
    }

    /// Vertical space.
    pub fn gap(&mut self) {
        self.y -= 3.0;
    }

    /// The PDF bytes, with "footer · page i / n" on every page.
    pub fn finish(mut self) -> Vec<u8> {
        self.page_break();
        let total = self.pages.len();
        let pages: Vec<Vec<Op>> = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(total);
        for (i, ops) in pages.into_iter().enumerate() {
            self.ops = ops;
            let text = format!("{} · {} / {}", self.footer, i + 1, total);
            self.text_at(MARGIN, 10.0, 8.0, false, &text);
            out.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), std::mem::take(&mut self.ops)));
        }
        self.doc.with_pages(out).save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}

/// Splits `text` into lines that fit in `width_mm` at `size_pt` (a word longer than a line is cut).
fn wrap(text: &str, width_mm: f32, size_pt: f32) -> Vec<String> {
    let max = max_chars(width_mm, size_pt);
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let needed = current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if !current.is_empty() && needed > max {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(current);
    lines.into_iter().map(|l| fit(&l, width_mm, size_pt)).collect()
}

fn max_chars(width_mm: f32, size_pt: f32) -> usize {
    let char_mm = size_pt * 0.55 * 0.3528;
    (width_mm / char_mm).floor().max(1.0) as usize
}

/// Cuts `text` to what fits in `width_mm` at `size_pt` (average glyph ≈ 0.55 em), with "…".
fn fit(text: &str, width_mm: f32, size_pt: f32) -> String {
    let max = max_chars(width_mm, size_pt);
    let count = text.chars().count();
    if count <= max { text.to_owned() } else { text.chars().take(max.saturating_sub(1)).chain(['…']).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut() {
        assert_eq!(fit("abc", 50.0, 10.0), "abc");
        let cut = fit(&"é".repeat(200), 20.0, 10.0);
        assert!(cut.ends_with('…') && cut.chars().count() < 20);
    }

    #[test]
    fn paragraphs_wrap_at_words() {
        let lines = wrap("un deux trois quatre cinq six sept huit neuf dix", 20.0, 10.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), "un deux trois quatre cinq six sept huit neuf dix");
        assert_eq!(wrap("", 20.0, 10.0), [""]);
    }

    #[test]
    fn pages_break_and_parse() {
        let mut r = Report::new("T", "footer").expect("fonts");
        r.title("Élève");
        let rows: Vec<Vec<String>> = (0..120).map(|i| vec![i.to_string(), "ligne".into()]).collect();
        r.table(&["#", "Texte"], &[20.0, 60.0], &rows);
        let bytes = r.finish();
        assert!(bytes.starts_with(b"%PDF"));
    }
}
