/*
 * Chat text in the mix of scripts a real account holds (issue #16): the search and catch-up
 * benchmarks index this, so their figures include Han/kana split into characters, Thai through the
 * dictionary segmenter, folding of diacritics, and emoji. Deterministic for a given generator.
 */

/** Picks from a list with Zipf's law (a few very common entries, a long tail). */
function zipf<T>(items: readonly T[], next: () => number): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= items.length; rank++) {
    total += 1 / rank ** 1.07;
    cumulative.push(total);
  }
  return () => {
    const r = next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? total) < r) lo = mid + 1;
      else hi = mid;
    }
    const item = items[lo];
    if (item === undefined) throw new Error('empty list');
    return item;
  };
}

const words = (list: string) => list.split(' ');

const CHINESE = words(
  '我们 你 他 的 是 不 了 在 有 这 个 明天 今天 吃饭 工作 时间 朋友 电话 会议 问题 没有 什么 可以 一起 知道 谢谢 好的 晚上 中午 周末 公司 项目 老师 学校 手机 照片 视频 生日 快乐 天气 下雨 火车站 机场 酒店 价格 报告',
);
const JAPANESE = words(
  '私 は が を に で と です ます ました 東京 大阪 寿司 ラーメン 食べ 飲み 行き 来 明日 今日 会議 仕事 友達 電話 写真 ありがとう よろしく お願い します 駅 ホテル 天気 雨 週末 誕生日 映画 見',
);
const THAI = words(
  'ฉัน คุณ เขา เรา ชอบ กิน ข้าว ผัด มาก ไป ที่ ทำงาน พรุ่งนี้ วันนี้ ประชุม เพื่อน โทร รูป ขอบคุณ ครับ ค่ะ สวัสดี ร้าน อาหาร อร่อย บ้าน โรงแรม สนามบิน ฝน ตก วันเกิด',
);
const RUSSIAN = words(
  'привет как дела я ты мы он она это что не да нет завтра сегодня встреча работа друг звонок фото спасибо пожалуйста обед ужин кофе проект отчёт поезд вокзал аэропорт гостиница погода дождь выходные день рождения',
);
const KOREAN = words(
  '안녕하세요 나는 너는 우리 내일 오늘 학교에 회사 회의 친구 전화 사진 감사합니다 점심 저녁 커피 프로젝트 기차역 공항 호텔 날씨 비가 주말 생일 축하해요 갑니다 먹었어요 좋아요',
);
const ROMANCE = words(
  'café crème où très déjà à bientôt mañana año niño señor canción corazón también però così perché città società élève hôtel réunion équipe français español après déjeuner',
);
const ARABIC = words('مرحبا كيف حالك أنا أنت غدا اليوم اجتماع عمل صديق شكرا قهوة مطار فندق');
const EMOJI = words('👍 👍🏽 😂 ❤️ 🎉 🙏 😊 🔥 👨‍👩‍👧 🇫🇷 ✅ 😭');

/** Sentences in several scripts; `latin` makes the English-like ones (the larger part). */
export function mixedSentenceMaker(next: () => number, latin: () => string): () => string {
  const chinese = zipf(CHINESE, next);
  const japanese = zipf(JAPANESE, next);
  const thai = zipf(THAI, next);
  const russian = zipf(RUSSIAN, next);
  const korean = zipf(KOREAN, next);
  const romance = zipf(ROMANCE, next);
  const arabic = zipf(ARABIC, next);
  const emoji = zipf(EMOJI, next);
  const run = (pick: () => string, joiner: string, min: number, spread: number) =>
    Array.from({ length: min + Math.floor(next() * spread) }, pick).join(joiner);
  return () => {
    const r = next();
    // Chinese, Japanese and Thai write no spaces between words; the others do.
    if (r < 0.1) return `${run(chinese, '', 3, 9)}。`;
    if (r < 0.15) return run(japanese, '', 3, 8);
    if (r < 0.2) return `${run(thai, '', 3, 6)} ${run(thai, '', 2, 4)}`;
    if (r < 0.27) return run(russian, ' ', 4, 10);
    if (r < 0.31) return run(korean, ' ', 3, 6);
    if (r < 0.36) return run(romance, ' ', 4, 10);
    if (r < 0.38) return run(arabic, ' ', 3, 8);
    if (r < 0.45) return `${latin()} ${emoji()}`;
    return latin();
  };
}

/** Queries over every script of the mix: words, words inside unsegmented text, prefixes. */
export const MIXED_QUERIES = [
  '吃饭',
  '明天',
  '寿司',
  'ข้าว',
  'ประชุม',
  'привет',
  'встр',
  '학교',
  'cafe',
  'reunion',
  '👍',
];
