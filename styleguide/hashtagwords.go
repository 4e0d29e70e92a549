package styleguide

import "strings"

// tagWords are the words splitTag knows without a rule's Words: common
// words of brand hashtags in English, Spanish and Polish, lower case,
// without accents where hashtags usually drop them too.
var tagWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
black friday cyber monday sale sales deal deals new now day week weekend summer winter spring autumn fall
holiday holidays christmas xmas year happy good best free shipping shop shopping online offer offers off
back school love life style fashion food travel photo video live news tech music game games fun team work
home family kids sport sports fit fitness health beauty coffee tea time gift gifts giveaway contest win
launch limited edition only today tomorrow black white red green blue gold world cup final finals city
throwback thursday monday tuesday wednesday friday saturday sunday motivation tip tips how to the of and
for with you your our my me we us it in on at all one big small early bird flash mega super hot cool
dia noche semana verano invierno primavera otono navidad ano nuevo nueva feliz oferta ofertas rebajas
envio gratis tienda compra compras regalo regalos sorteo concurso hoy manana vida amor moda comida viaje
viernes negro lunes martes miercoles jueves sabado domingo buen buenos buenas dias mejor gran precio precios
descuento descuentos el la los las de del en con para por mi tu su mas
dzien dzis jutro tydzien lato zima wiosna jesien swieta boze narodzenie nowy nowa nowe rok wyprzedaz
promocja promocje rabat rabaty zakupy sklep prezent prezenty konkurs darmowa dostawa czarny piatek
poniedzialek wtorek sroda czwartek sobota niedziela dobry dobra najlepszy milosc moda jedzenie podroz
z na do w dla od i`) {
		m[w] = true
	}
	return m
}()

// tagWordLens has bit k of [a][z] set when tagWords holds a word of k
// bytes (at most 24, as splitTag looks for) that starts with the letter
// 'a'+a and ends with 'z'+z: most pieces of a tag need no lookup.
var tagWordLens = func() (t [26][26]uint32) {
	for w := range tagWords {
		a, z := w[0]-'a', w[len(w)-1]-'a'
		if a >= 26 || z >= 26 || len(w) > 24 {
			panic("styleguide: tag word " + w)
		}
		t[a][z] |= 1 << len(w)
	}
	return t
}()

// isTagWord reports whether tagWords holds w.
func isTagWord(w []byte) bool {
	a, z := w[0]-'a', w[len(w)-1]-'a'
	return a < 26 && z < 26 && len(w) <= 24 && tagWordLens[a][z]&(1<<len(w)) != 0 && tagWords[string(w)]
}
