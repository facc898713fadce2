"""Measure how long a refused sign-in takes for an unknown e-mail, a real account's wrong password
and an account still on its fast one-time hash (issue 15, point 3). Not a test: timings are printed.

    .venv/bin/python scripts/measure_sign_in_timing.py [--rounds 40]

Builds a throw-away SQLite database with the production configuration (scrypt), and signs in through
the app in-process, each attempt from its own client address so that no throttle interferes.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from congdoan import create_app
    from congdoan.auth.services import set_password
    from congdoan.extensions import db
    from congdoan.people.models import User
    from congdoan.people.services import TEMP_HASH_METHOD

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(instance_path=tmp, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/t.sqlite",
                         WTF_CSRF_ENABLED=False, SECRET_KEY="measure", RATELIMIT_STORAGE_URI="memory://")
        with app.app_context():
            upgrade()
            for email, method in (("that@thu.demo", None), ("moi@thu.demo", TEMP_HASH_METHOD)):
                user = User(email=email, phone="")
                user.set_name("Người Đo")
                set_password(user, "mat khau that dai", method)
                db.session.add(user)
            db.session.commit()
            db.engine.dispose()
        client = app.test_client()
        cases = {"unknown e-mail": "khongco@thu.demo", "real account, wrong password": "that@thu.demo",
                 "real account on a one-time hash, wrong password": "moi@thu.demo"}
        times: dict[str, list[float]] = {name: [] for name in cases}
        messages: dict[str, set[str]] = {name: set() for name in cases}
        for n in range(args.rounds + 3):          # the first rounds warm up (dummy hash, statements)
            for name, email in cases.items():
                client.environ_base["REMOTE_ADDR"] = f"10.{n // 250}.{n % 250}.{len(times[name]) % 7 + 1}"
                start = time.perf_counter()
                response = client.post("/dang-nhap", data={"email": email, "password": f"sai-{n}"})
                elapsed = (time.perf_counter() - start) * 1000
                assert response.status_code == 422, response.status_code
                if n >= 3:
                    times[name].append(elapsed)
                    messages[name].add(response.get_data(as_text=True).split('id="login-error">')[1].split("<")[0])
        print(f"{args.rounds} refused sign-ins each (ms: median, p10-p90); hash method "
              f"{app.config['PASSWORD_HASH_METHOD']}")
        for name, values in times.items():
            deciles = statistics.quantiles(values, n=10)
            print(f"  {name:48s} {statistics.median(values):7.1f}   {deciles[0]:6.1f}-{deciles[-1]:6.1f}"
                  f"   message: {' | '.join(sorted(messages[name]))}")


if __name__ == "__main__":
    main()
