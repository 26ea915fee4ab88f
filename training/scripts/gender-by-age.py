#!/usr/bin/env python3
"""Gender and age of every UTKFace-named crop in a folder, asked of a running server over REST as score_rest.py
asks (POST /v1/analyze?box=0,0,200,200), broken down by age band and by UTKFace's ethnicity code.

score_rest.py scores 300 of the faces; this reads all of them and shows where the errors are.
Usage: gender-by-age.py BASE_URL UTKFACE_DIR [OUT_JSON]
  e.g. gender-by-age.py http://localhost:8080 training/target/splits/dev/utkface target/gender-by-age.json
File names are age_gender_ethnicity_date.jpg.chip.jpg (gender 0 = male, ethnicity 0-4: White, Black, Asian, Indian,
Others), as UTKFace names them.
"""
import json
import os
import sys
import urllib.request

BANDS = [(0, 3), (3, 10), (10, 18), (18, 30), (30, 45), (45, 60), (60, 200)]
ETHNICITY = ['White', 'Black', 'Asian', 'Indian', 'Others']


def ask(base, path):
    data = open(path, 'rb').read()
    request = urllib.request.Request(base + '/v1/analyze?box=0,0,200,200&tasks=attributes,age', data=data,
                                     headers={'Content-Type': 'image/jpeg'})
    with urllib.request.urlopen(request, timeout=60) as response:
        face = json.load(response)['faces'][0]
    male = {a['label']: a['probability'] for a in face['attributes']['labels']}['Male']
    return male, (face.get('age') or {}).get('years')


def summary(rows):
    n = len(rows)
    aged = [r for r in rows if r['predicted_age'] is not None]
    return {'n': n, 'gender_acc': sum(r['right'] for r in rows) / n if n else None,
            'age_mae': sum(abs(r['predicted_age'] - r['age']) for r in aged) / len(aged) if aged else None}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    base, folder = sys.argv[1].rstrip('/'), sys.argv[2]
    out = sys.argv[3] if len(sys.argv) > 3 else None
    rows = []
    for name in sorted(os.listdir(folder)):
        parts = name.split('_')
        if not name.endswith('.jpg') or len(parts) < 4 or not parts[2].isdigit():
            continue
        male, years = ask(base, os.path.join(folder, name))
        rows.append({'file': name, 'age': int(parts[0]), 'male': parts[1] == '0', 'ethnicity': int(parts[2]),
                     'p_male': male, 'predicted_age': years, 'right': (male > 0.5) == (parts[1] == '0')})
    result = {'all': summary(rows), 'age_bands': {}, 'ethnicity': {}}
    for low, high in BANDS:
        result['age_bands'][f'{low}-{high - 1}' if high < 200 else f'{low}+'] = summary(
            [r for r in rows if low <= r['age'] < high])
    for code, label in enumerate(ETHNICITY):
        result['ethnicity'][label] = summary([r for r in rows if r['ethnicity'] == code])
    for group in ('age_bands', 'ethnicity'):
        for key, value in result[group].items():
            if value['n']:
                print(f"{key:>8}: n {value['n']:4d}  gender acc {value['gender_acc']:.3f}  age MAE {value['age_mae']:.2f}")
    print(f"     all: n {result['all']['n']:4d}  gender acc {result['all']['gender_acc']:.3f}  "
          f"age MAE {result['all']['age_mae']:.2f}")
    if out:
        with open(out, 'w') as handle:
            json.dump({'summary': result, 'faces': rows}, handle, indent=1)


if __name__ == '__main__':
    main()
