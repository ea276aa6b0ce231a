"""Text in the languages and scripts practitioners in Salford write in, for the PDF tests and the
PDF benchmark (bench/bench_pdf_child.py): each a short phrase a request might hold, most of them
"I would like to think about the work with this family" or the language's own name. The
scripts first, then Latin letters with the accents Debian's Arial-like font has to carry."""

from __future__ import annotations

TYPED_IN_MANY_SCRIPTS: dict[str, str] = {
    "Urdu": "میں اس خاندان کے ساتھ کام پر غور کرنا چاہتا ہوں۔ یہ اہم ہے",
    "Arabic": "أرغب في التفكير في العمل مع العائلة.",
    "Farsi and Pashto": "می‌خواهم درباره کار با این خانواده فکر کنم. پښتو",
    "Kurdish (Sorani)": "دەمەوێت بیر لە کارەکەم بکەمەوە لەگەڵ ئەم خێزانە",
    "Hebrew": "אחות בית הספר",
    "Bengali": "আমি এই পরিবারের সাথে কাজ নিয়ে ভাবতে চাই। বাংলা",
    "Gujarati": "હું આ પરિવાર સાથેના કામ વિશે વિચારવા માંગુ છું",
    "Punjabi (Gurmukhi)": "ਮੈਂ ਇਸ ਪਰਿਵਾਰ ਨਾਲ ਕੰਮ ਬਾਰੇ ਸੋਚਣਾ ਚਾਹੁੰਦਾ ਹਾਂ",
    "Hindi": "मैं इस परिवार के साथ काम पर विचार करना चाहता हूँ",
    "Tamil": "தமிழ்",
    "Tigrinya and Amharic": "ትግርኛ፡ ኣማርኛ።",
    "Chinese (simplified)": "我想反思与这个家庭的工作。",
    "Chinese (traditional)": "我想反思與這個家庭的工作。",
    "Japanese": "日本語、ひらがな、カタカナ",
    "Korean": "한국어",
    "Thai": "ภาษาไทย",
    "Ukrainian and Russian": "Українська: Ґґ Єє Її; русский",
    "Greek": "Ελληνικά",
    "Polish": "Zażółć gęślą jaźń, Łódź",
    "Romanian": "Știință și țară",
    "Lithuanian and Latvian": "Ąčęėįšųūž; Āēģīķļņ",
    "Turkish and Kurdish (Kurmanji)": "ğıİş; Kurmancî êîû",
    "Vietnamese": "Tiếng Việt",
    "Somali and Portuguese": "Soomaali; português, ação",
    "Emoji": "🙂👍",
}
"""A phrase in each language or script, by its name in English."""
